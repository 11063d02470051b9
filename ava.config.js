// Tests are TypeScript compiled by `tsc -b` into each package's dist-test/.
// The fuzzing and soak files (robustness/) run afterwards, alone, from
// ava.robustness.config.js: they load the machine on purpose, and timing cases of
// other files must not share two cores with them (nor they with those).
export default {
  files: [
    "core/dist-test/**/*.test.js",
    "serializers/*/dist-test/**/*.test.js",
    "transports/*/dist-test/**/*.test.js",
    "pubsub/*/dist-test/**/*.test.js",
    "conformance/dist-test/**/*.test.js",
    "examples/*/dist-test/**/*.test.js",
    "interop/dist-test/**/*.test.js",
  ],
  timeout: "2m",
  concurrency: 2,
  workerThreads: false,
};
