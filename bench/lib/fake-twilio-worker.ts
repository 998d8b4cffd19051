/**
 * The fake Twilio REST API on its own thread: in production Twilio's servers do this work, not
 * the hub's event loop. Posts its base URL once listening; closes on any message.
 */
import { parentPort } from 'node:worker_threads';
import { startFakeTwilio } from '../../test/helpers/fake-twilio';

void startFakeTwilio().then((fake) => {
  parentPort?.postMessage({ url: fake.url });
  parentPort?.once('message', () => {
    void fake.close().then(() => parentPort?.postMessage({ closed: true, accepted: fake.accepted.length }));
  });
});
