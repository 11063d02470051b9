// Fuzzing against a live server and the one-minute soak (robustness/), run by `npm test`
// after every other test file, one file at a time, so their load and their latency
// figures are their own. See robustness/README.md for the environment variables.
export default {
  files: ["robustness/dist-test/**/*.test.js"],
  timeout: "5m",
  concurrency: 1,
  workerThreads: false,
};
