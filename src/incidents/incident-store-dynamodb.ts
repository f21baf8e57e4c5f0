/**
 * The incident book in DynamoDB: one item per project, `{ pk: "incidents#<project>", version: N, book: S (JSON) }`.
 *
 * One item rather than one per incident: every run reads all open incidents (the reminder lists them all and is
 * one decision for the whole project), and one conditional write keeps the book consistent when two runs alert at
 * once (src/aws/dynamodb-versioned-item.ts).
 * An item holds at most 400 KB (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html):
 * about 1,500 open incidents of ~250 bytes; past that, the book keeps the most recent and says so.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { putVersionedItem, readVersionedItem } from '../aws/dynamodb-versioned-item';
import { emptyBook, type IncidentBook } from './incident';
import type { IncidentStore, StoredBook } from './incident-store';

/** Under DynamoDB's 400 KB item limit, with room for the key and attribute names. */
export const MAX_BOOK_BYTES = 380_000;

/**
 * @example
 * const store = new DynamoDbIncidentStore(new DynamoDBClient({}), process.env.LANDFALL_INCIDENT_TABLE!, manifest.projectName);
 */
export class DynamoDbIncidentStore implements IncidentStore {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string, private readonly project: string) {}

  private get pk() {
    return `incidents#${this.project}`;
  }

  async load(): Promise<StoredBook> {
    const { item, version } = await readVersionedItem(this.client, this.tableName, this.pk);
    if (!item?.book?.S) return { book: emptyBook(), version };
    return { book: { ...emptyBook(), ...(JSON.parse(item.book.S) as Partial<IncidentBook>) }, version };
  }

  save(book: IncidentBook, loadedVersion: number): Promise<boolean> {
    return putVersionedItem(this.client, this.tableName, this.pk, { book: { S: fitted(book) } }, loadedVersion);
  }
}

/** The book as JSON within the item limit: the oldest open incidents' details go first, then the oldest incidents. */
function fitted(book: IncidentBook): string {
  let text = JSON.stringify(book);
  if (Buffer.byteLength(text) <= MAX_BOOK_BYTES) return text;
  const trimmed = structuredClone(book);
  trimmed.warnResolvedSinceDigest = trimmed.warnResolvedSinceDigest.slice(-50);
  trimmed.resolvedAt = {};
  const byAge = Object.values(trimmed.open).sort((a, b) => a.openedAt.localeCompare(b.openedAt));
  for (const incident of byAge) delete incident.detail;
  text = JSON.stringify(trimmed);
  while (Buffer.byteLength(text) > MAX_BOOK_BYTES && byAge.length > 0) {
    delete trimmed.open[byAge.shift()!.key];
    text = JSON.stringify(trimmed);
  }
  return text;
}
