import { ApiError, call, setCsrfToken, type SignedIn } from './api';
import { h } from './dom';

/** The sign-in form; resolves with the signed-in user. */
export function showLogin(root: HTMLElement): Promise<SignedIn> {
  return new Promise((resolve) => {
    const email = h('input', {
      attrs: { type: 'email', name: 'email', autocomplete: 'username', required: '', 'aria-label': 'Email' },
    });
    const password = h('input', {
      attrs: {
        type: 'password',
        name: 'password',
        autocomplete: 'current-password',
        required: '',
        'aria-label': 'Password',
      },
    });
    const error = h('p', { class: 'login-error', attrs: { role: 'alert' } });
    const form = h(
      'form',
      { class: 'login' },
      h('h1', {}, 'Rapport'),
      h('p', { class: 'sub' }, 'Sign in to the team inbox'),
      h('label', {}, 'Email', email),
      h('label', {}, 'Password', password),
      h('button', { attrs: { type: 'submit' } }, 'Sign in'),
      error,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      try {
        const signedIn = await call<SignedIn>('POST', '/auth/login', { email: email.value, password: password.value });
        setCsrfToken(signedIn.csrfToken ?? '');
        resolve(signedIn);
      } catch (failure) {
        error.textContent = failure instanceof ApiError ? failure.message : 'Could not reach the hub';
      }
    });
    root.replaceChildren(form);
    email.focus();
  });
}
