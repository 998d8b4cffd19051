// @database-free: `npm run chat` brings its own embedded PGlite whatever the pass, so this runs in the PGlite pass only (jest.config.js).
import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * `npm run chat` as a person uses it, with the dialogue piped in: the script in its own process
 * (tsx's register hook, as `npm run chat` runs it), a hub on embedded PGlite, seeded demo contacts.
 */
const ROOT = path.resolve(__dirname, '../..');

// Each run starts a whole hub in a child process: generous on a shared, busy machine.
jest.setTimeout(180_000);

function chat(args: string[], lines: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'scripts/chat.ts', ...args], {
    cwd: ROOT,
    // No NODE_OPTIONS (jest's VM modules flag) and no DATABASE_URL: the script brings its own PGlite.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(lines.map((line) => `${line}\n`).join(''));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The transcript without the start-up line (it names a temporary folder). */
const dialogue = (output: string) => output.split('\n').filter((line) => !line.startsWith('Starting a hub'));

describe('npm run chat', () => {
  it('welcomes a new contact and shows only what changed in the profile', async () => {
    const { code, output } = await chat(['flows/welcome.yaml'], ['Hello!', 'Alex Morgan', '1 and coffee', 'yep']);

    expect(code).toBe(0);
    expect(dialogue(output)).toEqual([
      expect.stringMatching(/^Flow "Welcome" \(welcome@\w+\) as new on sms\./),
      'You are a new contact: say something to start (your first message starts the welcome flow, or use a keyword).',
      'you › Hello!',
      'bot › Hi there! 👋 Welcome to Chapter & Verse — books upstairs, coffee downstairs.',
      'bot › What should we call you?',
      'you › Alex Morgan',
      'bot › Nice to meet you, Alex! What do you enjoy most? Pick one or more.',
      '      ',
      '      1. Mystery',
      '      2. Sci-fi',
      '      3. 80s rock',
      '      4. Coffee',
      '  ✎ first_name: null → "Alex"',
      'you › 1 and coffee',
      'bot › Shall we message you when something new arrives for you?',
      '      ',
      '      1. Yes',
      '      2. No',
      '  ✎ tags: null → ["mystery","coffee"]',
      '  ✎ attributes.interests: null → ["mystery","coffee"]',
      'you › yep',
      'bot › Lovely, Alex. Ask me anything, any time — say "help" to reach a person.',
      '  ✎ attributes.news_opt_in: null → true',
      '— the run is over (done)',
      'you › ',
      '',
    ]);
  });

  it("chats with Rick on web chat when his WhatsApp window is closed, as README's example does", async () => {
    const { code, output } = await chat(
      ['flows/post-purchase.yaml', '--contact', 'rick', '--data', '{"item":"Hysteria on vinyl"}'],
      ['2', 'The sleeve arrived bent', '/profile'],
    );

    expect(code).toBe(0);
    const lines = dialogue(output);
    expect(lines.slice(0, 7)).toEqual([
      'The hub may not write to Rick on whatsapp now (WHATSAPP_WINDOW_CLOSED): chatting on web chat instead (--channel to choose).',
      expect.stringMatching(/^Flow "Post-purchase feedback" \(post-purchase@\w+\) as rick on webchat\./),
      'bot › Hi Rick! Hysteria on vinyl has landed — time to turn it up to 11. 🤘',
      'bot › How happy are you with it, from 1 (not at all) to 5 (very)?',
      '  [ 1 ] [ 2 ] [ 3 ] [ 4 ] [ 5 ]',
      'you › 2',
      expect.stringMatching(/^bot › /),
    ]);
    expect(lines).toContain('you › The sleeve arrived bent');
    expect(lines).toContain('— the run is over (handed_off)');
    // The profile shows a birthday as the date it is, not as a UTC timestamp.
    expect(lines).toContain('  "birthday": "1979-11-02",');
  });
});
