/** The client-driver contract; it lives in `@fawkes/core/testing` (see `core/src/contracts/client-driver.ts`). */
export type { ClientConnection, ClientConnectOutcome, ClientConnectOptions, ClientDriver, ClientDriverSupports } from "@fawkes/core/testing";
