import crypto from 'node:crypto';
import type { AccountStore } from '../accounts/account-store';
import { PostgresAccountStore } from '../accounts/postgres-account-store';
import { SqliteAccountStore } from '../accounts/sqlite-account-store';
import type { AlertStore } from '../alerts/alert-store';
import type { ConversationStore } from '../conversations/conversation-store';
import { PostgresConversationStore } from '../conversations/postgres-conversation-store';
import { SqliteConversationStore } from '../conversations/sqlite-conversation-store';
import type { PhotoStore } from '../photos/photo-store';
import { PostgresPhotoStore } from '../photos/postgres-photo-store';
import { SqlitePhotoStore } from '../photos/sqlite-photo-store';
import type { PhotoImportStore } from '../photos/photo-import-store';
import { PostgresPhotoImportStore } from '../photos/postgres-photo-import-store';
import { SqlitePhotoImportStore } from '../photos/sqlite-photo-import-store';
import { SqliteAlertStore } from '../alerts/sqlite-alert-store';
import type { PushStore } from '../push/push-store';
import { PostgresPushStore } from '../push/postgres-push-store';
import { SqlitePushStore } from '../push/sqlite-push-store';
import type { Config } from '../config';
import { sessionSecret } from '../sessions/session-cookie';
import { StartError } from '../start-error';
import { openingDatabase } from './damaged-database';
import type { ListingStore } from './listing-store';
import { openDatabase } from './postgres/database';
import { PostgresAlertStore, sharedSessionSecret } from './postgres/postgres-alert-store';
import { PostgresListingStore } from './postgres/postgres-listing-store';
import { SqliteListingStore } from './sqlite-listing-store';

/** Everything that must outlive a node: in PostgreSQL when DATABASE_URL is set, else in DATA_DIR. */
export interface RecordStores {
  /** Listings and their change log. */
  listings: ListingStore;
  alerts: AlertStore;
  accounts: AccountStore;
  photos: PhotoStore;
  /** The photo importer's queue and what each external photo URL became. */
  photoImports: PhotoImportStore;
  conversations: ConversationStore;
  /** Web Push: subscriptions, the VAPID keys, the message notifier's claims. */
  push: PushStore;
  sessionSecret: string;
  where: 'postgresql' | 'data-dir';
}

/**
 * Opens the record the environment names. PostgreSQL: one bounded pool, the schema brought
 * up to date, the session secret generated once for every host (unless SESSION_SECRET is
 * given). A database that does not answer is a StartError: one line, exit 1.
 */
export async function openRecord(config: Config): Promise<RecordStores> {
  if (config.DATABASE_URL) {
    try {
      const pool = await openDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX });
      const secret = config.SESSION_SECRET ?? (await sharedSessionSecret(pool, crypto.randomBytes(32).toString('base64url')));
      return {
        listings: new PostgresListingStore(pool),
        alerts: new PostgresAlertStore(pool),
        accounts: new PostgresAccountStore(pool),
        photos: new PostgresPhotoStore(pool),
        photoImports: new PostgresPhotoImportStore(pool),
        conversations: new PostgresConversationStore(pool),
        push: new PostgresPushStore(pool),
        sessionSecret: secret,
        where: 'postgresql',
      };
    } catch (err) {
      throw new StartError(`DATABASE_URL: cannot open the database: ${(err as Error).message}`);
    }
  }
  // The alert store first: it makes the tables a sign-in moves records between.
  const alerts = await openingDatabase(config.dataDir, 'alerts.db', () => new SqliteAlertStore(config.dataDir));
  return {
    listings: await openingDatabase(config.dataDir, 'roost.db', () => new SqliteListingStore(config.dataDir)),
    alerts,
    accounts: await openingDatabase(config.dataDir, 'alerts.db', () => new SqliteAccountStore(config.dataDir)),
    photos: await openingDatabase(config.dataDir, 'photos.db', () => new SqlitePhotoStore(config.dataDir)),
    photoImports: await openingDatabase(config.dataDir, 'photos.db', () => new SqlitePhotoImportStore(config.dataDir)),
    conversations: await openingDatabase(config.dataDir, 'messages.db', () => new SqliteConversationStore(config.dataDir)),
    push: await openingDatabase(config.dataDir, 'alerts.db', () => new SqlitePushStore(config.dataDir)),
    sessionSecret: sessionSecret(config.SESSION_SECRET, config.dataDir),
    where: 'data-dir',
  };
}
