/** How many test files run at once: at least three, more on a machine with more cores. */
export function testWorkers(): number;
