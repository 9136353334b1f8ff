/** The demo's output: numbered steps, each with the ms since start and who does what. */
const start = performance.now();
let count = 0;

export function logStep(who: string, what: string): void {
  count += 1;
  const ms = String(Math.round(performance.now() - start)).padStart(5);
  console.log(`${ms} ms  ${String(count).padStart(2)}. ${who.padEnd(13)}  ${what}`);
}

