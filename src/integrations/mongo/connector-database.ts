/**
 * The MongoDB database an enmeshed Connector keeps its state in: `database.dbNamePrefix` followed by
 * `database.dbName` of its configuration, "acc-" and "default" unless configured; the environment
 * alias DATABASE_NAME sets dbName, the prefix stays. The name is passed to the driver explicitly, so
 * a database in the path of the connection string is not where the data is (the driver uses that
 * path only as the default database to authenticate against).
 *
 * Sources: nmshd/connector src/ConnectorRuntime.ts, initAccount:
 * `transport.createDatabase(`${database.dbNamePrefix}${database.dbName}`)` (earlier versions
 * `acc-${database.dbName}`); nmshd/connector src/createConnectorConfig.ts, defaults
 * `database: { dbName: "default", dbNamePrefix: "acc-" }` and `DATABASE_NAME: "database:dbName"`;
 * nmshd/runtime packages/transport/src/core/Transport.ts, `createDatabase(name)` is
 * `databaseConnection.getDatabase(name)`.
 */
export const CONNECTOR_DEFAULT_DATABASE = connectorDatabase();

/** The Connector's database from its configuration's `database` section (as /Monitoring/Support shows it). */
export function connectorDatabase(settings: { dbName?: string; dbNamePrefix?: string } = {}): string {
  return `${settings.dbNamePrefix ?? 'acc-'}${settings.dbName ?? 'default'}`;
}
