/**
 * Code that runs inside the benchmark's browser pages (installed with page.addInitScript). It defines
 * `window.benchAudio` with:
 * - `burstSource(freq, onMs, offMs)`: a microphone-like track playing tone bursts (oscillator → gain →
 *   MediaStreamDestination), scheduled on the audio clock;
 * - `detect(track | 'source')`: runs an AudioWorklet onset detector on a track and records each onset as an
 *   absolute time (performance.timeOrigin + performance time), taking the audio clock's progress since the
 *   onset off the message's arrival time so message latency does not count.
 * Both sides use the same detector, so its own delay cancels out when onsets are paired.
 */
export const pageAudioScript = String.raw`
(() => {
  const workletSource = ${'`'}
    class OnsetDetector extends AudioWorkletProcessor {
      constructor() { super(); this.quietBlocks = 0; this.armed = true; }
      process(inputs) {
        const channel = inputs[0] && inputs[0][0];
        if (!channel) return true;
        let sum = 0;
        for (let i = 0; i < channel.length; i++) sum += channel[i] * channel[i];
        const rms = Math.sqrt(sum / channel.length);
        if (rms > 0.05) {
          if (this.armed) {
            // Refine to the first sample above threshold within the block.
            let first = 0;
            while (first < channel.length && Math.abs(channel[first]) < 0.07) first++;
            this.port.postMessage(currentTime + first / sampleRate);
            this.armed = false;
          }
          this.quietBlocks = 0;
        } else if (rms < 0.01) {
          this.quietBlocks++;
          // 40 ms of quiet re-arms the detector.
          if (this.quietBlocks * 128 / sampleRate > 0.04) this.armed = true;
        }
        return true;
      }
    }
    registerProcessor('onset-detector', OnsetDetector);
  ${'`'};
  let context;
  let source;
  async function ctx() {
    if (!context) {
      context = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
      const url = URL.createObjectURL(new Blob([workletSource], { type: 'application/javascript' }));
      await context.audioWorklet.addModule(url);
    }
    await context.resume();
    return context;
  }
  const onsets = [];
  const keep = [];
  window.benchAudio = {
    onsets,
    async burstSource(freq, onMs, offMs, count) {
      const c = await ctx();
      const osc = c.createOscillator();
      osc.frequency.value = freq;
      const gain = c.createGain();
      gain.gain.value = 0;
      const dest = c.createMediaStreamDestination();
      osc.connect(gain).connect(dest);
      osc.start();
      const start = c.currentTime + 0.5;
      for (let i = 0; i < count; i++) {
        const t = start + (i * (onMs + offMs)) / 1000;
        gain.gain.setValueAtTime(0.5, t);
        gain.gain.setValueAtTime(0, t + onMs / 1000);
      }
      source = gain;
      keep.push(osc, dest);
      return dest.stream.getAudioTracks()[0];
    },
    async steadySource(freq) {
      const c = await ctx();
      const osc = c.createOscillator();
      osc.frequency.value = freq;
      const gain = c.createGain();
      gain.gain.value = 0.5;
      const dest = c.createMediaStreamDestination();
      osc.connect(gain).connect(dest);
      osc.start();
      keep.push(osc, dest);
      return dest.stream.getAudioTracks()[0];
    },
    async detect(track) {
      const c = await ctx();
      const node = new AudioWorkletNode(c, 'onset-detector');
      node.port.onmessage = (event) => {
        // currentTime keeps advancing with the audio thread while the message waits for the main thread, so
        // subtracting how far it has moved past the onset removes the message's delay. (The output timestamp
        // would add each page's output buffering, which differs between pages of a loaded browser.)
        onsets.push(performance.timeOrigin + performance.now() - (c.currentTime - event.data) * 1000);
      };
      if (track === 'source') {
        source.connect(node);
      } else {
        // Chromium delivers silence to Web Audio unless the remote stream also plays in a media element.
        const stream = new MediaStream([track]);
        const element = new Audio();
        element.muted = true;
        element.srcObject = stream;
        await element.play().catch(() => undefined);
        keep.push(element);
        c.createMediaStreamSource(stream).connect(node);
      }
      const sink = c.createGain();
      sink.gain.value = 0;
      node.connect(sink).connect(c.destination);
      keep.push(node, sink);
    },
  };
})();
`;

export interface BenchAudio {
  onsets: number[];
  burstSource(freq: number, onMs: number, offMs: number, count: number): Promise<MediaStreamTrack>;
  steadySource(freq: number): Promise<MediaStreamTrack>;
  detect(track: MediaStreamTrack | 'source'): Promise<void>;
}

declare global {
  interface Window {
    benchAudio: BenchAudio;
  }
}
