/** The product event stream (raw.product_events, delivered by Firehose): events mirroring app rows, topped up with background activity. */
import { type BoardRow, type DeckRow, type TransferRow, type UserRow, randomTimeAfterSignup, weightedUserPicker } from './demo-app-rows';
import { randomTimeBetween, type TimeWindow } from './demo-time';
import type { SeededRandom } from './seeded-random';

const PRODUCTS = { wetransfer: 0.6, collect: 0.2, paste: 0.2 } as const;

type Product = keyof typeof PRODUCTS;

const PLATFORMS = { web: 0.55, desktop: 0.15, ios: 0.18, android: 0.12 } as const;

const BACKGROUND_EVENTS: Record<Product, Record<string, number>> = {
  wetransfer: { session_started: 0.45, transfer_downloaded: 0.35, upgrade_clicked: 0.05, transfer_viewed: 0.15 },
  collect: { session_started: 0.4, board_item_added: 0.45, board_shared: 0.15 },
  paste: { session_started: 0.4, deck_viewed: 0.45, deck_published: 0.15 },
};
/** Events that visitors without an account (transfer recipients, deck viewers) also trigger. */
const ANONYMOUS_EVENTS = new Set(['transfer_downloaded', 'transfer_viewed', 'deck_viewed']);

export interface ProductEventRow {
  event_id: string;
  user_id: string | null;
  anonymous_id: string | null;
  event_name: string;
  product: Product;
  platform: string;
  properties: string;
  occurred_at: Date;
  received_at: Date;
}

export interface EventSources {
  users: UserRow[];
  transfers: TransferRow[];
  boards: BoardRow[];
  decks: DeckRow[];
  count: number;
  window: TimeWindow;
}

/**
 * Events that mirror rows created inside the window (one `transfer_sent` per transfer, `board_created`,
 * `deck_created`), topped up to `count` with background activity from weighted users and anonymous visitors.
 */
export function makeProductEvents(random: SeededRandom, sources: EventSources): ProductEventRow[] {
  const { window, count } = sources;
  const inWindow = (date: Date) => date >= window.start && date < window.end;
  const events: ProductEventRow[] = [];

  const addEvent = (
    product: Product,
    eventName: string,
    userId: string | null,
    occurredAt: Date,
    properties: Record<string, string | number>,
  ) => {
    const platform = random.weighted(PLATFORMS);
    const mobileDelay = platform === 'ios' || platform === 'android' ? random.chance(0.1) : false;
    const receivedAt = new Date(occurredAt.getTime() + (mobileDelay ? random.int(60, 7200) : random.int(1, 90)) * 1000);
    events.push({
      event_id: uuidFrom(random),
      user_id: userId,
      anonymous_id: userId === null ? `anon_${random.hex(16)}` : null,
      event_name: eventName,
      product,
      platform,
      properties: JSON.stringify(properties),
      occurred_at: occurredAt,
      received_at: receivedAt,
    });
  };

  for (const transfer of sources.transfers) {
    if (events.length >= count) break;
    if (!inWindow(transfer.created_at)) continue;
    addEvent('wetransfer', 'transfer_sent', transfer.sender_id, transfer.created_at, {
      transfer_id: transfer.id,
      file_count: transfer.file_count,
      size_bytes: transfer.size_bytes,
    });
  }
  for (const board of sources.boards) {
    if (events.length >= count) break;
    if (inWindow(board.created_at)) addEvent('collect', 'board_created', board.owner_id, board.created_at, { board_id: board.id });
  }
  for (const deck of sources.decks) {
    if (events.length >= count) break;
    if (inWindow(deck.created_at)) addEvent('paste', 'deck_created', deck.owner_id, deck.created_at, { deck_id: deck.id });
  }

  const pickUser = weightedUserPicker(random, sources.users);
  while (events.length < count) {
    const product = random.weighted(PRODUCTS);
    const eventName = random.weighted(BACKGROUND_EVENTS[product]);
    if (ANONYMOUS_EVENTS.has(eventName) && random.chance(0.4)) {
      addEvent(product, eventName, null, randomTimeBetween(random, window.start, window.end), { page: eventName });
      continue;
    }
    const user = pickUser();
    if (user.signed_up_at >= window.end) continue;
    addEvent(product, eventName, user.id, randomTimeAfterSignup(random, user, window), { page: eventName });
  }
  return events;
}

function uuidFrom(random: SeededRandom): string {
  const hex = random.hex(32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
