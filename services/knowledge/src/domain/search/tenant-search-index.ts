import { confidenceOf, type ConfidenceCalibration } from './confidence';
import { FIELD_COUNT, IndexedField, MAX_FREQUENCY, PostingBuffer, PostingList } from './posting-list';
import type { ArticleFeedback, SearchDocument, SearchHit, SearchResult } from './search-document';
import { buildSnippet, type HighlightTerms } from './snippet-builder';
import { ENGLISH_STOP_WORDS } from './stop-words';
import { SynonymExpander } from './synonym-expander';
import type { TermAssociations } from './term-associations';
import { TermDictionary } from './term-dictionary';
import {
  TERM_KINDS,
  type AnalyzedTerm,
  type QueryAnalysis,
  type TermKind,
  type TextAnalyzer,
} from './text-analyzer';

export interface RankingOptions {
  k1: number;
  b: number;
  /** BM25F field weights; the title boost lives here. */
  fieldWeights: Record<'title' | 'body' | 'tags', number>;
  /** Weight of each term kind: [word, bigram, unigram]. */
  kindWeights: readonly [number, number, number];
  /** Multiplier for terms that only come from synonym expansion. */
  synonymWeight: number;
  /** Multiplier for terms added from the tenant's learned associations (times the association weight). */
  associationWeight: number;
  /** Exponent on a query term's learned necessity (0: ignore it). */
  necessityWeight: number;
  /** Largest relative change the helpful/not-helpful prior can make to a score (0.1 = ±10 %). */
  feedbackWeight: number;
  /** Votes an article needs before its prior reaches half of `feedbackWeight`. */
  feedbackSmoothing: number;
  /** Per kind [word, bigram, unigram]: terms found in more than this share of articles are skipped. */
  maxDocumentFrequency: readonly [number, number, number];
  /** Most distinct indexed terms a query scans (the heaviest by weight × idf). */
  maxQueryTerms: number;
}

export interface TenantIndexSettings {
  ranking: RankingOptions;
  confidence: ConfidenceCalibration;
  snippetChars: number;
}

export interface ValidatedQuery {
  text: string;
  language?: string;
  category?: string;
  tags: readonly string[];
  limit: number;
}

export interface TenantIndexStats {
  documents: number;
  terms: number;
  postings: number;
  deadSlots: number;
  /** Bytes held in the index's typed arrays (postings, lengths, norms, priors, frequencies). */
  arrayBytes: number;
}

interface PlannedTerm {
  /** Undefined when no article has the term: it still counts in the attainable score. */
  term: number | undefined;
  kind: TermKind;
  weight: number;
  /** From the query itself rather than a synonym. */
  original: boolean;
  common: boolean;
  dropped: boolean;
}

interface StoredDocument {
  doc: SearchDocument;
  language: string;
  tags: ReadonlySet<string>;
}

const LENGTHS_PER_DOC = FIELD_COUNT * TERM_KINDS;
const COMPACT_MIN_DEAD = 1024;
const COMPACT_MIN_TAIL = 50_000;

/** Primary subtag, lower-cased: filters compare languages at this level. */
export function primaryLanguage(tag: string): string {
  return tag.split('-')[0].toLowerCase();
}

/**
 * The search index of one tenant's published articles: BM25F over title, body and tags (+category)
 * with word, character-bigram and unigram terms in separate namespaces.
 *
 * Postings live in one frozen, term-ordered pair of typed arrays (compact: a few bytes per entry and
 * no object per term); documents added since the last compaction sit in small per-term tails, and
 * removed documents are masked until compaction drops them.
 */
export class TenantSearchIndex {
  private readonly termIds = new TermDictionary();
  private termCount = 0;
  /** Live document frequency per term id. */
  private df = new Int32Array(1024);
  private frozenTerms = 0;
  private offsets = new Int32Array(1);
  private frozenSlots = new Int32Array(0);
  private frozenFreqs = new Uint8Array(0);
  private readonly tails = new Map<number, PostingList>();
  private bulk: PostingBuffer | undefined;

  private readonly slotById = new Map<string, number>();
  private docs: (StoredDocument | undefined)[] = [];
  private alive = new Uint8Array(16);
  private lengths = new Float32Array(16 * LENGTHS_PER_DOC);
  /** Per slot, field and kind: field weight / BM25 length normalisation, refreshed at compaction. */
  private norms = new Float32Array(16 * LENGTHS_PER_DOC);
  /** Per slot: feedback multiplier (1 without votes). */
  private prior = new Float32Array(16);
  private readonly lengthSums = new Float64Array(LENGTHS_PER_DOC);
  private liveCount = 0;
  private deadSlots = 0;
  private tailEntries = 0;
  private freeSlots: number[] = [];
  private scores = new Float64Array(16);
  private readonly feedback = new Map<string, ArticleFeedback>();
  private synonyms: SynonymExpander | undefined;
  private associations: TermAssociations | undefined;

  constructor(
    private readonly analyzer: TextAnalyzer,
    private readonly settings: TenantIndexSettings,
  ) {}

  get size(): number {
    return this.liveCount;
  }

  has(id: string): boolean {
    return this.slotById.has(id);
  }

  /** Starts a bulk load: postings are buffered unsorted and only searchable after `compact()`. */
  beginBulk(): void {
    this.bulk ??= new PostingBuffer();
  }

  /** Adds or replaces a document; anything not published is taken out of the index. */
  upsert(doc: SearchDocument): void {
    this.remove(doc.id);
    if (doc.status !== 'published') return;
    const slot = this.allocateSlot();
    this.docs[slot] = { doc, language: primaryLanguage(doc.language), tags: new Set(doc.tags) };
    this.alive[slot] = 1;
    this.slotById.set(doc.id, slot);
    this.liveCount++;

    // Field frequencies packed one byte per field (see PostingList.push): no allocation per term.
    const perTerm = new Map<string, number>();
    const fields = this.fieldTerms(doc);
    for (let f = 0; f < FIELD_COUNT; f++) {
      const shift = 8 * f;
      for (const t of fields[f]) {
        const packed = perTerm.get(t.key) ?? 0;
        if (((packed >>> shift) & MAX_FREQUENCY) < MAX_FREQUENCY) perTerm.set(t.key, packed + (1 << shift));
        this.lengths[slot * LENGTHS_PER_DOC + f * TERM_KINDS + t.kind]++;
      }
    }
    for (let i = 0; i < LENGTHS_PER_DOC; i++) this.lengthSums[i] += this.lengths[slot * LENGTHS_PER_DOC + i];
    this.updateNorms(slot);
    this.prior[slot] = this.priorOf(doc.id);
    for (const [key, freqs] of perTerm) {
      const term = this.termId(key);
      this.df[term]++;
      if (this.bulk) {
        this.bulk.push(term, slot, freqs);
        continue;
      }
      let tail = this.tails.get(term);
      if (!tail) this.tails.set(term, (tail = new PostingList()));
      tail.push(slot, freqs);
      this.tailEntries++;
    }
    if (!this.bulk && this.tailEntries > Math.max(COMPACT_MIN_TAIL, this.frozenSlots.length / 8))
      this.compact();
  }

  /** Returns false when the document was not indexed. */
  remove(id: string): boolean {
    const slot = this.slotById.get(id);
    const stored = slot === undefined ? undefined : this.docs[slot];
    if (slot === undefined || !stored) return false;
    // Analysis is deterministic, so re-analysing finds exactly the terms whose frequencies to lower.
    const keys = new Set<string>();
    for (const terms of this.fieldTerms(stored.doc)) for (const t of terms) keys.add(t.key);
    for (const key of keys) {
      const term = this.termIds.get(key);
      if (term !== undefined) this.df[term]--;
    }
    for (let i = 0; i < LENGTHS_PER_DOC; i++) this.lengthSums[i] -= this.lengths[slot * LENGTHS_PER_DOC + i];
    this.alive[slot] = 0;
    this.docs[slot] = undefined;
    this.slotById.delete(id);
    this.liveCount--;
    this.deadSlots++;
    if (!this.bulk && this.deadSlots >= COMPACT_MIN_DEAD && this.deadSlots * 4 >= this.docs.length)
      this.compact();
    return true;
  }

  /**
   * Rewrites all postings (frozen, tails and bulk buffer) into fresh term-ordered arrays without the
   * removed documents, renumbers terms so vanished ones leave the dictionary, and frees dead slots.
   */
  compact(): void {
    const alive = this.alive;
    const counts = new Int32Array(this.termCount);
    for (let t = 0; t < this.frozenTerms; t++) {
      for (let j = this.offsets[t]; j < this.offsets[t + 1]; j++) if (alive[this.frozenSlots[j]]) counts[t]++;
    }
    for (const [t, tail] of this.tails)
      for (let j = 0; j < tail.size; j++) if (alive[tail.slots[j]]) counts[t]++;
    const bulk = this.bulk;
    if (bulk) for (let i = 0; i < bulk.size; i++) if (alive[bulk.slots[i]]) counts[bulk.terms[i]]++;

    // Renumber surviving terms in dictionary order.
    const renumber = this.termIds.retain((old) => counts[old] > 0);
    const next = this.termIds.size;
    const offsets = new Int32Array(next + 1);
    const df = new Int32Array(Math.max(1024, next * 2));
    for (let old = 0; old < this.termCount; old++) {
      const t = renumber[old];
      if (t >= 0) {
        offsets[t + 1] = counts[old];
        df[t] = counts[old];
      }
    }
    for (let t = 0; t < next; t++) offsets[t + 1] += offsets[t];
    const total = offsets[next];
    const slots = new Int32Array(total);
    const freqs = new Uint8Array(total * FIELD_COUNT);
    const cursor = offsets.slice(0, next);
    const place = (old: number, slot: number, src: Uint8Array, at: number): void => {
      const t = renumber[old];
      const w = cursor[t]++;
      slots[w] = slot;
      freqs[w * FIELD_COUNT] = src[at];
      freqs[w * FIELD_COUNT + 1] = src[at + 1];
      freqs[w * FIELD_COUNT + 2] = src[at + 2];
    };
    for (let old = 0; old < this.frozenTerms; old++) {
      for (let j = this.offsets[old]; j < this.offsets[old + 1]; j++) {
        if (alive[this.frozenSlots[j]]) place(old, this.frozenSlots[j], this.frozenFreqs, j * FIELD_COUNT);
      }
    }
    for (const [old, tail] of this.tails) {
      for (let j = 0; j < tail.size; j++)
        if (alive[tail.slots[j]]) place(old, tail.slots[j], tail.freqs, j * FIELD_COUNT);
    }
    if (bulk)
      for (let i = 0; i < bulk.size; i++)
        if (alive[bulk.slots[i]]) place(bulk.terms[i], bulk.slots[i], bulk.freqs, i * FIELD_COUNT);

    this.termCount = next;
    this.frozenTerms = next;
    this.df = df;
    this.offsets = offsets;
    this.frozenSlots = slots;
    this.frozenFreqs = freqs;
    this.tails.clear();
    this.tailEntries = 0;
    this.bulk = undefined;
    this.freeSlots = [];
    for (let slot = this.docs.length - 1; slot >= 0; slot--) {
      if (!alive[slot]) this.freeSlots.push(slot);
      else this.updateNorms(slot);
    }
    this.deadSlots = 0;
  }

  /** Average lengths drift as articles change; norms catch up at the next compaction, which is plenty. */
  private updateNorms(slot: number): void {
    const { b, fieldWeights } = this.settings.ranking;
    const fw = [fieldWeights.title, fieldWeights.body, fieldWeights.tags];
    const live = Math.max(1, this.liveCount);
    for (let f = 0; f < FIELD_COUNT; f++) {
      for (let k = 0; k < TERM_KINDS; k++) {
        const i = f * TERM_KINDS + k;
        const avg = this.lengthSums[i] / live || 1;
        const length = this.lengths[slot * LENGTHS_PER_DOC + i];
        // An empty field has no term to weigh; with b = 1 its norm would be infinite and 0 × ∞ poisons the score.
        this.norms[slot * LENGTHS_PER_DOC + i] = length === 0 ? 0 : fw[f] / (1 - b + (b * length) / avg);
      }
    }
  }

  private priorOf(articleId: string): number {
    const votes = this.feedback.get(articleId);
    if (!votes) return 1;
    const { feedbackWeight, feedbackSmoothing } = this.settings.ranking;
    return (
      1 +
      (feedbackWeight * (votes.helpful - votes.notHelpful)) /
        (votes.helpful + votes.notHelpful + feedbackSmoothing)
    );
  }

  setSynonyms(groups: readonly (readonly string[])[]): void {
    this.synonyms = groups.length > 0 ? new SynonymExpander(groups, this.analyzer) : undefined;
  }

  setAssociations(table: TermAssociations | undefined): void {
    this.associations = table && (table.related.size > 0 || table.necessity.size > 0) ? table : undefined;
  }

  setFeedback(articleId: string, feedback: ArticleFeedback): void {
    this.feedback.set(articleId, {
      helpful: Math.max(0, feedback.helpful),
      notHelpful: Math.max(0, feedback.notHelpful),
    });
    const slot = this.slotById.get(articleId);
    if (slot !== undefined) this.prior[slot] = this.priorOf(articleId);
  }

  stats(): TenantIndexStats {
    let postings = this.frozenSlots.length;
    let arrayBytes =
      this.frozenSlots.byteLength +
      this.frozenFreqs.byteLength +
      this.offsets.byteLength +
      this.df.byteLength +
      this.alive.byteLength +
      this.lengths.byteLength +
      this.norms.byteLength +
      this.prior.byteLength +
      this.scores.byteLength;
    for (const tail of this.tails.values()) {
      postings += tail.size;
      arrayBytes += tail.slots.byteLength + tail.freqs.byteLength;
    }
    return {
      documents: this.liveCount,
      terms: this.termIds.size,
      postings,
      deadSlots: this.deadSlots,
      arrayBytes,
    };
  }

  search(query: ValidatedQuery): SearchResult {
    const empty: SearchResult = { items: [], confidence: 0, signals: { top: 0, margin: 0 } };
    if (this.liveCount === 0) return empty;
    const { plan, highlight } = this.planQuery(this.analyzer.analyzeQuery(query.text));
    let attainable = 0;
    const touched: number[] = [];
    const scores = this.scratchScores();
    for (const p of plan) {
      if (p.dropped) continue;
      if (p.original) attainable += p.weight;
      if (p.term !== undefined) this.scoreTerm(p.term, p.kind, p.weight, scores, touched);
    }

    const top = this.selectTop(touched, scores, query);
    for (const slot of touched) scores[slot] = 0;
    if (top.length === 0) return empty;

    const items: SearchHit[] = top.slice(0, query.limit).map(({ slot, score }) => {
      const { doc } = this.docs[slot] as StoredDocument;
      return {
        articleId: doc.id,
        title: doc.title,
        snippet: buildSnippet(doc.body.trim() ? doc.body : doc.title, highlight, this.settings.snippetChars),
        score: attainable > 0 ? Math.min(1, score / attainable) : 0,
        rawScore: score,
        language: doc.language,
        category: doc.category ?? null,
        tags: doc.tags,
      };
    });
    const first = top[0].score;
    const second = top.length > 1 ? top[1].score : 0;
    const signals = { top: items[0].score, margin: first > 0 ? (first - second) / first : 0 };
    return { items, confidence: confidenceOf(signals, this.settings.confidence), signals };
  }

  /**
   * Weighted terms to scan: the query's own (kind weight × query frequency × idf), synonym expansions at
   * `synonymWeight`, minus very common terms and, for long queries, all but the most informative ones.
   */
  private planQuery(analysis: QueryAnalysis): { plan: PlannedTerm[]; highlight: HighlightTerms } {
    const { ranking } = this.settings;
    const weights = new Map<string, { kind: TermKind; weight: number }>();
    for (const t of analysis.terms) {
      const entry = weights.get(t.key);
      if (entry) entry.weight += ranking.kindWeights[t.kind];
      else weights.set(t.key, { kind: t.kind, weight: ranking.kindWeights[t.kind] });
    }
    const necessity = this.associations?.necessity;
    if (necessity && ranking.necessityWeight !== 0) {
      for (const [key, entry] of weights) {
        const n = necessity.get(key);
        if (n !== undefined) entry.weight *= n ** ranking.necessityWeight;
      }
    }
    const highlightHan = new Set(analysis.hanSurfaces);
    const highlightStems = new Set(analysis.latinStems.filter((s) => !ENGLISH_STOP_WORDS.has(s)));
    const expanded = new Map<string, { kind: TermKind; weight: number }>();
    for (const phrase of this.synonyms?.expansions(analysis) ?? []) {
      const extra = this.analyzer.analyzeQuery(phrase);
      extra.hanSurfaces.forEach((s) => highlightHan.add(s));
      extra.latinStems.forEach((s) => highlightStems.add(s));
      for (const t of extra.terms) {
        if (!weights.has(t.key) && !expanded.has(t.key)) {
          expanded.set(t.key, { kind: t.kind, weight: ranking.synonymWeight * ranking.kindWeights[t.kind] });
        }
      }
    }
    if (this.associations && ranking.associationWeight > 0) {
      for (const [key, { weight }] of weights) {
        for (const r of this.associations.related.get(key) ?? []) {
          if (weights.has(r.key)) continue;
          const w = ranking.associationWeight * r.weight * Math.min(weight, ranking.kindWeights[r.kind]);
          const entry = expanded.get(r.key);
          if (!entry) expanded.set(r.key, { kind: r.kind, weight: w });
          else if (entry.weight < w) entry.weight = w;
        }
      }
    }

    const n = this.liveCount;
    const maxDf = ranking.maxDocumentFrequency.map((ratio) => ratio * n);
    const plan: PlannedTerm[] = [];
    for (const [source, original] of [
      [weights, true],
      [expanded, false],
    ] as const) {
      for (const [key, { kind, weight }] of source) {
        const term = this.termIds.get(key);
        const df = term === undefined ? 0 : this.df[term];
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        plan.push({ term, kind, weight: weight * idf, original, common: df > maxDf[kind], dropped: false });
      }
    }
    // Terms in most articles (frequent characters) cost the longest scans and barely move the ranking;
    // they are skipped unless the query has nothing rarer.
    const skipCommon = plan.some((p) => !p.common && p.term !== undefined);
    for (const p of plan) if (skipCommon && p.common) p.dropped = true;
    // A long query (a whole ticket) is reduced to its most informative indexed terms to bound the scan.
    const scanned = plan.filter((p) => !p.dropped && p.term !== undefined);
    if (scanned.length > ranking.maxQueryTerms) {
      const cutoff = scanned.map((p) => p.weight).sort((a, b) => b - a)[ranking.maxQueryTerms - 1];
      let room = ranking.maxQueryTerms;
      for (const p of scanned) {
        if (p.weight >= cutoff && room > 0) room--;
        else p.dropped = true;
      }
    }
    const highlight: HighlightTerms = {
      hanSurfaces: [...highlightHan],
      latinStems: highlightStems,
      stem: (w: string) => this.analyzer.stem(w),
    };
    return { plan, highlight };
  }

  private scoreTerm(
    term: number,
    kind: TermKind,
    termWeight: number,
    scores: Float64Array,
    touched: number[],
  ): void {
    if (term < this.frozenTerms) {
      this.scoreEntries(
        this.frozenSlots,
        this.frozenFreqs,
        this.offsets[term],
        this.offsets[term + 1],
        kind,
        termWeight,
        scores,
        touched,
      );
    }
    const tail = this.tails.get(term);
    if (tail) this.scoreEntries(tail.slots, tail.freqs, 0, tail.size, kind, termWeight, scores, touched);
  }

  private scoreEntries(
    slots: Int32Array,
    freqs: Uint8Array,
    from: number,
    to: number,
    kind: TermKind,
    termWeight: number,
    scores: Float64Array,
    touched: number[],
  ): void {
    const { k1 } = this.settings.ranking;
    const alive = this.alive;
    const norms = this.norms;
    for (let j = from; j < to; j++) {
      const slot = slots[j];
      if (alive[slot] === 0) continue;
      const base = slot * LENGTHS_PER_DOC + kind;
      const e = j * FIELD_COUNT;
      const tf =
        freqs[e] * norms[base] +
        freqs[e + 1] * norms[base + TERM_KINDS] +
        freqs[e + 2] * norms[base + 2 * TERM_KINDS];
      if (scores[slot] === 0) touched.push(slot);
      scores[slot] += (termWeight * tf) / (k1 + tf);
    }
  }

  /** Best `max(limit, 2)` matching documents (two are needed for the confidence margin), ties by id. */
  private selectTop(
    touched: number[],
    scores: Float64Array,
    query: ValidatedQuery,
  ): { slot: number; score: number }[] {
    const k = Math.max(query.limit, 2);
    const top: { slot: number; score: number }[] = [];
    const language = query.language === undefined ? undefined : primaryLanguage(query.language);
    const prior = this.prior;
    for (const slot of touched) {
      const score = scores[slot] * prior[slot];
      if (top.length === k && score < top[k - 1].score) continue;
      const stored = this.docs[slot];
      if (!stored) continue;
      if (top.length === k && !ranksBefore(score, stored.doc.id, top[k - 1], this.docs)) continue;
      if (language !== undefined && stored.language !== language) continue;
      if (query.category !== undefined && stored.doc.category !== query.category) continue;
      if (query.tags.some((t) => !stored.tags.has(t))) continue;
      let i = top.length === k ? k - 1 : top.length;
      while (i > 0 && ranksBefore(score, stored.doc.id, top[i - 1], this.docs)) {
        if (i < k) top[i] = top[i - 1];
        i--;
      }
      top[i] = { slot, score };
      if (top.length > k) top.length = k;
    }
    return top;
  }

  private fieldTerms(doc: SearchDocument): AnalyzedTerm[][] {
    const fields: AnalyzedTerm[][] = [];
    fields[IndexedField.Title] = this.analyzer.analyze(doc.title);
    fields[IndexedField.Body] = this.analyzer.analyze(doc.body);
    fields[IndexedField.Tags] = this.analyzer.analyze([...doc.tags, doc.category ?? ''].join(' '));
    return fields;
  }

  private termId(key: string): number {
    const term = this.termIds.intern(key);
    if (term === this.termCount) {
      this.termCount++;
      if (term >= this.df.length) {
        const df = new Int32Array(this.df.length * 2);
        df.set(this.df);
        this.df = df;
      }
    }
    return term;
  }

  private allocateSlot(): number {
    const reused = this.freeSlots.pop();
    const slot = reused ?? this.docs.length;
    if (reused === undefined) this.docs.push(undefined);
    if (slot >= this.alive.length) {
      const capacity = Math.max(16, this.alive.length * 2);
      const alive = new Uint8Array(capacity);
      alive.set(this.alive);
      this.alive = alive;
      const lengths = new Float32Array(capacity * LENGTHS_PER_DOC);
      lengths.set(this.lengths);
      this.lengths = lengths;
      const norms = new Float32Array(capacity * LENGTHS_PER_DOC);
      norms.set(this.norms);
      this.norms = norms;
      const prior = new Float32Array(capacity);
      prior.set(this.prior);
      this.prior = prior;
    }
    this.lengths.fill(0, slot * LENGTHS_PER_DOC, (slot + 1) * LENGTHS_PER_DOC);
    return slot;
  }

  /** One accumulator reused across queries; callers zero what they touched. */
  private scratchScores(): Float64Array {
    if (this.scores.length < this.docs.length) this.scores = new Float64Array(this.alive.length);
    return this.scores;
  }
}

function ranksBefore(
  score: number,
  id: string,
  other: { slot: number; score: number },
  docs: (StoredDocument | undefined)[],
): boolean {
  if (score !== other.score) return score > other.score;
  const otherId = docs[other.slot]?.doc.id ?? '';
  return id < otherId;
}
