/**
 * Rows of the app database Fivetran syncs (raw.users, raw.transfers, raw.boards, raw.decks): the vocabulary they are
 * drawn from (plans and their rules, names, countries, titles) and the makers of users and transfers.
 */
import { addDays, addMinutes, MINUTE_MS, randomTimeBetween, syncTimeAfter, type TimeWindow } from './demo-time';
import type { SeededRandom } from './seeded-random';

const GIB = 1024 ** 3;

const PLANS = { free: 0.7, starter: 0.12, ultimate: 0.1, teams: 0.08 } as const;

type PlanId = keyof typeof PLANS;

const PLAN_RULES: Record<PlanId, { expiryDays: number; maxTransferBytes: number; activity: number }> = {
  free: { expiryDays: 7, maxTransferBytes: 2 * GIB, activity: 1 },
  starter: { expiryDays: 28, maxTransferBytes: 20 * GIB, activity: 1.8 },
  ultimate: { expiryDays: 28, maxTransferBytes: 200 * GIB, activity: 2.5 },
  teams: { expiryDays: 28, maxTransferBytes: 200 * GIB, activity: 3 },
};

const FIRST_NAMES = [
  'Anna', 'Bram', 'Chloé', 'Daan', 'Emma', 'Finn', 'Grace', 'Hugo', 'Isabel', 'Jonas', 'Kenji', 'Lucía',
  'Mateo', 'Noor', 'Olivia', 'Pieter', 'Renée', 'Sanne', 'Siobhán', 'Tomás', 'Zoë', 'Łukasz', 'Aiko', 'Ravi',
];

const LAST_NAMES = [
  "O'Brien", "D'Souza", 'van der Berg', 'Müller', 'Nakamura', 'de Vries', 'García', 'Smith', 'Jansen',
  'Kowalski', 'Rossi', 'Dubois', 'Okafor', 'Silva', 'Bakker', "O'Neill", 'Patel', 'Larsen',
];

const EMAIL_DOMAINS = ['example.com', 'studio.example', 'agency.example', 'mail.example'];

const COUNTRIES = { NL: 0.2, US: 0.22, GB: 0.12, DE: 0.1, FR: 0.08, BR: 0.07, IN: 0.07, ES: 0.05, IT: 0.05, JP: 0.04 };

export const BOARD_TITLES = [
  (name: string) => `${name}'s wedding inspo`,
  () => 'Moodboard – spring campaign',
  () => 'Q3 "launch" assets',
  () => 'Brand refresh 2026',
  () => 'Photo picks — Lisbon',
  (name: string) => `References for ${name}`,
  () => "Client's favourites; round 2",
];

export const DECK_TITLES = [
  () => 'Pitch deck v3',
  (name: string) => `${name}'s quarterly review`,
  () => 'Portfolio 2026',
  () => 'Product roadmap (draft)',
  () => 'Workshop: "What users want"',
];

export interface UserRow {
  id: string;
  email: string;
  full_name: string;
  country_code: string;
  plan_id: PlanId;
  signed_up_at: Date;
  updated_at: Date;
  _fivetran_synced: Date;
  _fivetran_deleted: boolean;
}

export interface TransferRow {
  id: string;
  sender_id: string;
  transfer_type: string;
  status: string;
  file_count: number;
  recipient_count: number;
  size_bytes: number;
  created_at: Date;
  expires_at: Date;
  first_downloaded_at: Date | null;
  updated_at: Date;
  _fivetran_synced: Date;
  _fivetran_deleted: boolean;
}

export interface BoardRow {
  id: string;
  owner_id: string;
  title: string;
  visibility: string;
  item_count: number;
  created_at: Date;
  updated_at: Date;
  _fivetran_synced: Date;
  _fivetran_deleted: boolean;
}

export interface DeckRow {
  id: string;
  owner_id: string;
  title: string;
  slide_count: number;
  is_published: boolean;
  created_at: Date;
  published_at: Date | null;
  updated_at: Date;
  _fivetran_synced: Date;
  _fivetran_deleted: boolean;
}

export function makeUser(random: SeededRandom, sequence: number, signupWindow: TimeWindow, asOf: Date): UserRow {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const signedUpAt = randomTimeBetween(random, signupWindow.start, signupWindow.end);
  const updatedAt = randomTimeBetween(random, signedUpAt, asOf);
  return {
    id: `usr_${pad(sequence)}`,
    email: `${asciiSlug(first)}.${asciiSlug(last)}${sequence}@${random.pick(EMAIL_DOMAINS)}`,
    full_name: `${first} ${last}`,
    country_code: random.weighted(COUNTRIES),
    plan_id: random.weighted(PLANS),
    signed_up_at: signedUpAt,
    updated_at: updatedAt,
    _fivetran_synced: syncTimeAfter(random, updatedAt, asOf),
    _fivetran_deleted: false,
  };
}

/** A transfer created inside `window`; its lifecycle (download, expiry, deletion) is evaluated at `asOf`. */
export function makeTransfer(
  random: SeededRandom,
  sequence: number,
  sender: UserRow,
  window: TimeWindow,
  asOf: Date,
): TransferRow {
  const rules = PLAN_RULES[sender.plan_id];
  const createdAt = randomTimeAfterSignup(random, sender, { start: window.start, end: addMinutes(window.end, -1) });
  const expiresAt = addDays(createdAt, rules.expiryDays);
  const transferType = random.chance(0.55) ? 'email' : 'link';
  const sizeBytes = Math.round(Math.min(rules.maxTransferBytes, Math.max(10_240, random.logNormal(18.8, 1.8))));
  const isUploading = asOf.getTime() - createdAt.getTime() < 10 * MINUTE_MS && random.chance(0.6);

  let firstDownloadedAt: Date | null = null;
  if (!isUploading && random.chance(0.8)) {
    const candidate = addMinutes(createdAt, Math.max(1, Math.round(random.logNormal(4.5, 1.4))));
    if (candidate < expiresAt && candidate < asOf) firstDownloadedAt = candidate;
  }

  let status: string;
  let updatedAt = firstDownloadedAt ?? createdAt;
  if (isUploading) {
    status = 'uploading';
  } else if (random.chance(0.03)) {
    status = 'deleted';
    updatedAt = randomTimeBetween(random, updatedAt, expiresAt < asOf ? expiresAt : asOf);
  } else if (expiresAt <= asOf) {
    status = 'expired';
    updatedAt = expiresAt;
  } else {
    status = firstDownloadedAt ? 'downloaded' : 'active';
  }

  return {
    id: `tr_${pad(sequence)}`,
    sender_id: sender.id,
    transfer_type: transferType,
    status,
    file_count: Math.min(500, 1 + Math.floor(random.logNormal(0.8, 1))),
    recipient_count: transferType === 'email' ? Math.min(20, 1 + Math.floor(random.logNormal(0, 0.9))) : 0,
    size_bytes: sizeBytes,
    created_at: createdAt,
    expires_at: expiresAt,
    first_downloaded_at: firstDownloadedAt,
    updated_at: updatedAt,
    _fivetran_synced: syncTimeAfter(random, updatedAt, asOf),
    _fivetran_deleted: false,
  };
}

/** Users weighted by plan activity times a personal log-normal factor: a few power users, a long tail. */
export function weightedUserPicker(random: SeededRandom, users: readonly UserRow[]): () => UserRow {
  const cumulative: number[] = [];
  let total = 0;
  for (const user of users) {
    total += PLAN_RULES[user.plan_id].activity * random.logNormal(0, 0.8);
    cumulative.push(total);
  }
  return () => {
    const roll = random.next() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle] > roll) high = middle;
      else low = middle + 1;
    }
    return users[low];
  };
}

export function randomTimeAfterSignup(random: SeededRandom, user: UserRow, window: TimeWindow): Date {
  const start = user.signed_up_at > window.start ? user.signed_up_at : window.start;
  return randomTimeBetween(random, start, window.end);
}

export function firstName(user: UserRow): string {
  return user.full_name.split(' ')[0];
}

function asciiSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

export function pad(sequence: number): string {
  return String(sequence).padStart(6, '0');
}
