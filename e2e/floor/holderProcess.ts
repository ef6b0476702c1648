/**
 * A client in a process of its own, for the holder-death test: connects as a bot to SQUELCH_URL with
 * SQUELCH_TOKEN, joins SQUELCH_CHANNEL, presses, prints "granted" (or "denied <json>") and then waits without
 * ever sending a heartbeat, until it is killed. It exits by itself when its parent goes away (stdin closes) or
 * after five minutes, so it can never outlive a failed test run.
 */
import { BotClient } from '../support/botClient';

async function main(): Promise<void> {
  const url = process.env.SQUELCH_URL;
  const token = process.env.SQUELCH_TOKEN;
  const channelId = process.env.SQUELCH_CHANNEL;
  if (url === undefined || token === undefined || channelId === undefined) {
    throw new Error('SQUELCH_URL, SQUELCH_TOKEN and SQUELCH_CHANNEL are required');
  }
  const bot = await BotClient.connect(url, token);
  await bot.join(channelId);
  const answer = await bot.press(channelId);
  process.stdout.write(answer.granted ? 'granted\n' : `denied ${JSON.stringify(answer)}\n`);
}

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
setTimeout(() => process.exit(0), 300_000).unref();
main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
