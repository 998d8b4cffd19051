/**
 * Flows that two levels of specification share: the engine on its in-memory store (test/flows)
 * and the whole hub (test/flows-runtime) play the same scenario with the same flow.
 */

/** Says a word, waits an hour, then asks a yes/no question: for a send refused after the wait. */
export const checkinFlow = `id: checkin
name: Check-in
triggers: [{ type: keyword, keywords: [checkin] }]
steps:
  - id: hello
    type: say
    text: Back in a moment.
  - id: pause
    type: wait
    for: 1h
  - id: still
    type: ask
    input: yes_no
    prompt: Still there?
  - id: bye
    type: end
    text: "got {{ answers.still }}"
`;

/** Asks tea or coffee and names the choice: for runs stuck on a version that no longer validates. */
export const teaOrCoffeeSurvey = `id: survey
name: Survey
triggers: [{ type: keyword, keywords: [survey] }]
steps:
  - id: drink
    type: ask
    input: choice
    prompt: Tea or coffee?
    options: [Tea, Coffee]
  - id: bye
    type: end
    text: "Enjoy your {{ answers.drink }}!"
`;

/** Asks for a day and names it back: for relative dates read on the contact’s calendar. */
export const askDateFlow = `id: when
name: When
triggers: [{ type: keyword, keywords: [book] }]
steps:
  - id: day
    type: ask
    input: date
    prompt: Which day?
    save_as: day
  - id: done
    type: end
    text: "booked {{ answers.day }}"
`;

/** Two messages in one turn: a greeting, then the question the run waits on. */
export const introFlow = `id: intro
name: Intro
triggers: [{ type: keyword, keywords: [intro] }]
steps:
  - id: hello
    type: say
    text: Hello from the shop.
  - id: ready
    type: ask
    input: yes_no
    prompt: Shall we begin?
  - id: bye
    type: end
`;
