/** The client-driver contract; it lives in `@fawkes/core` (see `core/src/contracts/client-driver.ts`). */
export type { ClientConnection, ClientConnectOutcome, ClientConnectOptions, ClientDriver } from "@fawkes/core";
