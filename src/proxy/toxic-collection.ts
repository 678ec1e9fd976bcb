import { toxicNotFound } from './errors.js';
import type { Link } from './link.js';
import {
  DIRECTIONS,
  parseToxicCreate,
  parseToxicUpdate,
  type Direction,
  type ToxicEntry,
} from './toxic-entry.js';

/** Where toxic changes must reach: the live links of a proxy. */
export type LinkSource = (direction: Direction) => Iterable<Link>;

/**
 * The toxics of one proxy, one ordered chain per direction (Toxiproxy's `ToxicCollection`).
 * Every change is applied to the proxy's open connections at once.
 */
export class ToxicCollection {
  readonly #chains: Record<Direction, ToxicEntry[]> = { upstream: [], downstream: [] };
  readonly #links: LinkSource;

  constructor(links: LinkSource) {
    this.#links = links;
  }

  /** Every toxic, upstream chain first, each in the order added (Toxiproxy's listing order). */
  list(): ToxicEntry[] {
    return [...this.#chains.upstream, ...this.#chains.downstream];
  }

  /** The chain of one direction, in order. */
  chain(direction: Direction): readonly ToxicEntry[] {
    return this.#chains[direction];
  }

  /** Number of toxics configured. */
  get size(): number {
    return this.#chains.upstream.length + this.#chains.downstream.length;
  }

  /** The toxic named `name`, or a 404 error. */
  get(name: string): ToxicEntry {
    const found = this.#find(name);
    if (found === undefined) throw toxicNotFound();
    return found;
  }

  /** Adds a toxic from an API body; throws 400/409 {@link ToxiproxyApiError}s. */
  add(body: unknown): ToxicEntry {
    const entry = parseToxicCreate(body, (name) => this.#find(name) !== undefined);
    this.#chains[entry.direction].push(entry);
    for (const link of this.#links(entry.direction)) link.addToxic(entry);
    return entry;
  }

  /** Updates a toxic's attributes and toxicity from an API body; 404 when absent. */
  update(name: string, body: unknown): ToxicEntry {
    const current = this.get(name);
    const next = parseToxicUpdate(current, body);
    const chain = this.#chains[current.direction];
    chain[chain.indexOf(current)] = next;
    for (const link of this.#links(next.direction)) link.updateToxic(next);
    return next;
  }

  /** Removes a toxic; 404 when absent. */
  remove(name: string): void {
    const entry = this.get(name);
    const chain = this.#chains[entry.direction];
    chain.splice(chain.indexOf(entry), 1);
    for (const link of this.#links(entry.direction)) link.removeToxic(name);
  }

  /** Removes every toxic (POST /reset). */
  clear(): void {
    for (const direction of DIRECTIONS) {
      for (const entry of [...this.#chains[direction]]) this.remove(entry.name);
    }
  }

  #find(name: string): ToxicEntry | undefined {
    return (
      this.#chains.upstream.find((entry) => entry.name === name) ??
      this.#chains.downstream.find((entry) => entry.name === name)
    );
  }
}
