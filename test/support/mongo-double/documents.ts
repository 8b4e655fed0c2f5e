import { BSON, ObjectId, type Document } from 'bson';
import type { DoubleData } from './data.ts';

// insert, update and find on the double's in-memory collections, with the answers mongod gives.
// Filters are top-level equality only, updates a replacement or $set/$unset/$setOnInsert of
// top-level fields: enough for the bot's own documents. Anything else is refused, never guessed.

const MODIFIERS = new Set(['$set', '$unset', '$setOnInsert']);

export function insert(db: string, command: Document, data: DoubleData): Document {
  const namespace = `${db}.${String(command.insert)}`;
  const documents = [...data.documents(namespace)];
  const writeErrors: Document[] = [];
  let n = 0;
  for (const [index, raw] of asDocuments(command.documents).entries()) {
    const document = raw._id === undefined ? { _id: new ObjectId(), ...raw } : raw;
    if (documents.some((d) => same(d._id, document._id))) {
      writeErrors.push(duplicateKey(index, namespace, document._id));
      if (command.ordered !== false) break;
      continue;
    }
    documents.push(document);
    data.advance();
    n += 1;
  }
  data.replace(namespace, documents);
  data.lastWriteConcern = command.writeConcern as Document | undefined;
  return { n, ...(writeErrors.length > 0 ? { writeErrors } : {}), ok: 1 };
}

export function update(db: string, command: Document, data: DoubleData): Document {
  const namespace = `${db}.${String(command.update)}`;
  let documents = [...data.documents(namespace)];
  const upserted: Document[] = [];
  const writeErrors: Document[] = [];
  let n = 0;
  let nModified = 0;
  for (const [index, statement] of asDocuments(command.updates).entries()) {
    const filter = (statement.q as Document | undefined) ?? {};
    const change = statement.u as Document;
    const invalid = unsupportedFilter(filter) ?? unsupportedUpdate(change);
    if (invalid) {
      writeErrors.push({ index, ...invalid });
      if (command.ordered !== false) break;
      continue;
    }
    const matches = documents.filter((d) => matchesFilter(d, filter));
    const targets = statement.multi === true ? matches : matches.slice(0, 1);
    if (isReplacement(change) && change._id !== undefined && targets.some((t) => !same(change._id, t._id))) {
      writeErrors.push({ index, code: 66, codeName: 'ImmutableField', errmsg: "the (immutable) field '_id' was found to have been altered" });
      if (command.ordered !== false) break;
      continue;
    }
    if (targets.length === 0 && statement.upsert === true) {
      const document = upsertDocument(filter, change);
      documents.push(document);
      upserted.push({ index, _id: document._id });
      data.advance();
      n += 1;
      continue;
    }
    for (const target of targets) {
      const next = applyUpdate(target, change);
      n += 1;
      if (same(next, target)) continue; // a no-op writes nothing, as on mongod
      documents = documents.map((d) => (d === target ? next : d));
      data.advance();
      nModified += 1;
    }
  }
  data.replace(namespace, documents);
  data.lastWriteConcern = command.writeConcern as Document | undefined;
  return {
    n,
    nModified,
    ...(upserted.length > 0 ? { upserted } : {}),
    ...(writeErrors.length > 0 ? { writeErrors } : {}),
    ok: 1,
  };
}

/** The documents of a `find` on a collection: equality filter, then `limit`. */
export function findDocuments(db: string, command: Document, data: DoubleData): { documents: Document[] } | { error: Document } {
  const filter = (command.filter as Document | undefined) ?? {};
  const invalid = unsupportedFilter(filter);
  if (invalid) return { error: { ok: 0, ...invalid } };
  const matching = data.documents(`${db}.${String(command.find)}`).filter((d) => matchesFilter(d, filter));
  const limit = typeof command.limit === 'number' && command.limit > 0 ? command.limit : matching.length;
  return { documents: matching.slice(0, limit) };
}

export function dropDatabase(db: string, data: DoubleData): Document {
  data.dropDatabase(db);
  return { dropped: db, ok: 1 };
}

function asDocuments(value: unknown): Document[] {
  return Array.isArray(value) ? (value as Document[]) : [];
}

/** Field by field the same BSON value (types included), as mongod's equality on scalars and whole sub-documents. */
function same(a: unknown, b: unknown): boolean {
  return Buffer.from(BSON.serialize({ v: a })).equals(BSON.serialize({ v: b }));
}

function matchesFilter(document: Document, filter: Document): boolean {
  return Object.entries(filter).every(([field, value]) => field in document && same(document[field], value));
}

function unsupportedFilter(filter: Document): { code: number; codeName: string; errmsg: string } | undefined {
  const field = Object.entries(filter).find(([key, value]) => key.startsWith('$') || key.includes('.') || isOperatorObject(value));
  if (!field) return undefined;
  return { code: 2, codeName: 'BadValue', errmsg: `the MongoDB double matches top-level equality only, not ${field[0]}` };
}

function unsupportedUpdate(change: unknown): { code: number; codeName: string; errmsg: string } | undefined {
  if (!change || typeof change !== 'object' || Array.isArray(change)) {
    return { code: 9, codeName: 'FailedToParse', errmsg: 'the MongoDB double takes a replacement or modifiers, not a pipeline' };
  }
  const keys = Object.keys(change);
  const modifiers = keys.filter((k) => k.startsWith('$'));
  if (modifiers.length === 0) return undefined;
  const unknown = modifiers.find((m) => !MODIFIERS.has(m));
  if (unknown || modifiers.length !== keys.length) {
    return { code: 9, codeName: 'FailedToParse', errmsg: `Unknown modifier: ${unknown ?? keys.find((k) => !k.startsWith('$'))}` };
  }
  const dotted = modifiers.flatMap((m) => Object.keys((change as Document)[m] as Document)).find((f) => f.includes('.'));
  return dotted ? { code: 2, codeName: 'BadValue', errmsg: `the MongoDB double updates top-level fields only, not ${dotted}` } : undefined;
}

function isOperatorObject(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.keys(value).some((k) => k.startsWith('$'))
  );
}

function isReplacement(change: Document): boolean {
  return !Object.keys(change).some((k) => k.startsWith('$'));
}

function applyUpdate(document: Document, change: Document): Document {
  // A replacement keeps the _id: the document stays the same document.
  if (isReplacement(change)) return { _id: document._id, ...withoutId(change) };
  const next: Document = { ...document, ...((change.$set as Document | undefined) ?? {}) };
  for (const field of Object.keys((change.$unset as Document | undefined) ?? {})) delete next[field];
  return next;
}

/** An upsert inserts the filter's equality fields with the update applied ($setOnInsert too), or the replacement. */
function upsertDocument(filter: Document, change: Document): Document {
  const _id = change._id ?? filter._id ?? new ObjectId();
  if (isReplacement(change)) return { _id, ...withoutId(change) };
  return { ...applyUpdate({ _id, ...filter }, change), ...((change.$setOnInsert as Document | undefined) ?? {}) };
}

function withoutId(document: Document): Document {
  const { _id: _ignored, ...rest } = document;
  return rest;
}

function duplicateKey(index: number, namespace: string, id: unknown): Document {
  return {
    index,
    code: 11000,
    errmsg: `E11000 duplicate key error collection: ${namespace} index: _id_ dup key: { _id: ${JSON.stringify(id)} }`,
  };
}
