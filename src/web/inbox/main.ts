import { currentUser, setCsrfToken, whenSignedOut } from './api';
import { Controller } from './controller';
import { showLogin } from './login-view';
import { endSession, mountShell } from './shell';

/** The team inbox UI: sign in if needed, then the live inbox. */
async function boot(root: HTMLElement): Promise<void> {
  let controller: Controller | undefined;
  const signedOut = async () => {
    // Several requests may fail with 401 at once; sign out once.
    if (!controller) return;
    controller.stop();
    controller = undefined;
    document.title = 'Rapport inbox';
    await run();
  };
  whenSignedOut(() => void signedOut());

  async function run(): Promise<void> {
    const signedIn = (await currentUser()) ?? (await showLogin(root));
    setCsrfToken(signedIn.csrfToken ?? '');
    controller = new Controller(signedIn.user);
    const views = mountShell(root, controller, async () => {
      await endSession();
      await signedOut();
    });
    await controller.start(views);
    views.chrome();
  }
  await run();
}

const root = document.getElementById('app');
if (root) void boot(root);
