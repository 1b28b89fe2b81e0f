// The two questions asked when a terminal is attached and --yes was not given.
import { createInterface } from "node:readline/promises";

/**
 * @param {{ input?: NodeJS.ReadableStream, output?: NodeJS.WritableStream }} io
 */
export function createAsker({ input = process.stdin, output = process.stdout } = {}) {
  const rl = createInterface({ input, output });
  return {
    /** Free text with a default. */
    async text(question, fallback) {
      const answer = (await rl.question(`${question} (${fallback}) `)).trim();
      return answer === "" ? fallback : answer;
    },
    /** One of `choices` (by number or name), re-asking until the answer is one of them. */
    async choose(question, choices, fallback) {
      const names = Object.keys(choices);
      const menu = names.map((n, i) => `  ${i + 1}. ${n.padEnd(16)} ${choices[n]}`).join("\n");
      for (let attempt = 0; attempt < 5; attempt++) {
        const answer = (await rl.question(`${question}\n${menu}\nchoice (${fallback}) `)).trim();
        if (answer === "") return fallback;
        const byNumber = names[Number(answer) - 1];
        if (/^\d+$/.test(answer) && byNumber) return byNumber;
        if (names.includes(answer)) return answer;
        output.write(`"${answer}" is not one of: ${names.join(", ")}\n`);
      }
      throw new Error(`no valid choice for "${question}"`);
    },
    close() {
      rl.close();
    },
  };
}
