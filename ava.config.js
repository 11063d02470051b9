// Tests are TypeScript compiled by `tsc -b` into each package's dist-test/.
export default {
  files: [
    "core/dist-test/**/*.test.js",
    "serializers/*/dist-test/**/*.test.js",
    "transports/*/dist-test/**/*.test.js",
    "pubsub/*/dist-test/**/*.test.js",
    "conformance/dist-test/**/*.test.js",
    "examples/*/dist-test/**/*.test.js",
    "interop/dist-test/**/*.test.js",
    "robustness/dist-test/**/*.test.js",
  ],
  timeout: "2m",
  concurrency: 2,
  workerThreads: false,
};
