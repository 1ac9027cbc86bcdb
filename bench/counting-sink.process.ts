// The loopback SMTP server of the newsletter bench, in its own process so that the sender's figures are the
// sender's: it reports its URL, then answers "count" with how many messages it accepted.
import { startCountingSink } from '../test/counting-smtp-sink.ts';

const sink = await startCountingSink();
process.send!({ url: sink.url });
process.on('message', (message) => {
  if (message === 'count') {
    const duplicates = [...sink.perMessageId.values()].filter((count) => count > 1).length;
    process.send!({ accepted: sink.accepted, recipients: sink.perRecipient.size, duplicates });
  }
  if (message === 'stop') void sink.close().then(() => process.exit(0));
});
