/**
 * A one-line progress indicator on stderr for long runs: redrawn in place, only on a terminal
 * (never in a pipe, a log or with --json), cleared when done.
 */
export interface Progress {
  tick(): void;
  done(): void;
}

const NONE: Progress = { tick() {}, done() {} };

/** Steps counted, redrawn at most every 100 ms; `label(steps, elapsedMs)` writes the line. */
export function progress(label: (steps: number, elapsedMs: number) => string, enabled = process.stderr.isTTY === true): Progress {
  if (!enabled) return NONE;
  const started = performance.now();
  let steps = 0;
  let drawn = 0;
  const frames = ['[=   ]', '[ =  ]', '[  = ]', '[   =]'];
  const draw = () => process.stderr.write(`\r\u001b[2K${frames[drawn++ % frames.length]} ${label(steps, performance.now() - started)}`);
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    tick: () => void (steps += 1),
    done: () => {
      clearInterval(timer);
      if (drawn > 0) process.stderr.write('\r\u001b[2K');
    },
  };
}
