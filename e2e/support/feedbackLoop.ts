import type { BrowserContext } from 'playwright-core';

/**
 * A page whose microphone hears its own speakers: before any page script runs, every connect() to an
 * AudioDestinationNode also feeds a per-context "air" path (a 40 ms delay, −6 dB), and getUserMedia() returns
 * that path as the microphone once the page plays through Web Audio (before that, the real fake device).
 * Install after the output tap and after any other getUserMedia wrapper (init scripts run in order).
 */
const FEEDBACK_LOOP = `
  (() => {
    const loops = [];
    window.__feedbackLoops = loops;
    const connect = AudioNode.prototype.connect;
    AudioNode.prototype.connect = function (target, ...rest) {
      const result = connect.call(this, target, ...rest);
      if (typeof AudioDestinationNode !== 'undefined' && target instanceof AudioDestinationNode) {
        const context = this.context;
        let loop = loops.find((entry) => entry.context === context);
        if (loop === undefined) {
          const air = context.createDelay(1);
          air.delayTime.value = 0.04;
          const level = context.createGain();
          level.gain.value = 0.5;
          connect.call(air, level);
          loop = { context, air, level };
          loops.push(loop);
        }
        connect.call(this, loop.air);
      }
      return result;
    };
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) => {
      const loop = loops.filter((entry) => entry.context.state !== 'closed').pop();
      if (!constraints || !constraints.audio || loop === undefined) return original(constraints);
      const microphone = loop.context.createMediaStreamDestination();
      microphone.channelCount = 1;
      connect.call(loop.level, microphone);
      return Promise.resolve(microphone.stream);
    };
  })();
`;

export async function installFeedbackLoop(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: FEEDBACK_LOOP });
}
