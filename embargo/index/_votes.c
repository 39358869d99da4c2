/* The per-token steps of EntityIndex.candidate_names in C: what a query token expands to, and each
 * entity's best vote through it. The same steps in Python (memory.py: EntityIndex.expand and _expansion,
 * _best_per_entity, _pair_gains) stay the reference; tests/index checks that both agree. A query token
 * expands through a dozen dictionary lookups and votes through a few numpy calls on small arrays: the
 * calls cost more than the work.
 *
 * Tables(vocab, by_phonetic, by_deletion, by_skeleton, sorted_vocab, idf, post_size, flat_ents, flat_nids,
 *        vote_start, max_idf, max_expansions, max_prefix[, dicts_only]): an index's lookup tables
 *        (referenced; their keys also copied into one hash table, see Tables.slots, unless dicts_only: for
 *        tests), its tokens' votes (token t's entities and names at vote_start[t]:vote_start[t + 1] of
 *        flat_ents and flat_nids, int32; vote_start int64) and a per-token work array. The GIL is held
 *        throughout: one call at a time.
 * expansion(tables, text, variants, ocr, phonetic, skeleton, vowelless, initial, syllabic)
 *        -> (min_df, weights float64, sizes int64, largest, tids int32): the fields of memory._Expansion (numpy
 *        arrays but the two ints)
 * expansion_of(tables, text, variants, syllabic) -> those fields, or None for none: the keys made in C (see there)
 * best_per_entity(tables, tids int32, weights float64) -> (ents int32, weights float64, names int32): each entity's best
 *        vote through the tokens tids, given best weight first
 * pair_gains([(votes, votes of the first word or None, votes of the second or None), ...]) -> votes or None
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../_hash.h"
#include "_arrays.h"

typedef struct {
    uint64_t h;
    uint32_t check;
    int32_t at; /* in pool; -1: a free slot */
} Slot;

typedef struct {
    PyObject_HEAD
    PyObject *vocab, *by_phonetic, *by_deletion, *by_skeleton, *sorted_vocab, *flat_ents_obj, *flat_nids_obj,
        *vote_start_obj;
    const int32_t *flat_ents, *flat_nids; /* every token's votes: token t's at vote_start[t]:vote_start[t + 1] */
    const int64_t *vote_start;
    double *idf;
    int32_t *post_size;
    Py_ssize_t n_tokens;
    double max_idf;
    Py_ssize_t max_expansions, max_prefix;
    uint32_t *seen; /* per token: the call that found it */
    uint32_t gen;
    /* a Bloom filter of the keys of by_deletion, by_phonetic and by_skeleton, and of the beginnings (3
     * letters or more) of the words of sorted_vocab: most keys of a query token (and most words made of
     * two) are no key, and the filter answers that without making the string and looking it up, or
     * bisecting the vocabulary (16 bits a key; a key sets two bits of one 64-bit word) */
    uint64_t *filter, filter_mask;
    int32_t *sorted_tids; /* the token of each word of sorted_vocab */
    /* the keys of vocab, by_deletion, by_phonetic and by_skeleton in one open-addressing table of their
     * two hashes (key_hash, and key_check: a key is taken for another only if both its 64-bit and 32-bit
     * hash are the other's; no two keys of the tables share both, or the table is not made and the dicts
     * are asked), each with its tokens in pool: [count, token, token, ...]. A lookup is then one probe,
     * with no string made and no Python object read. */
    Slot *slots;
    size_t slot_mask;
    int32_t *pool;
} Tables;

/* which table a key is of, in the filter */
enum { IN_DELETION = 1, IN_PHONETIC, IN_SKELETON, IN_PREFIX, IN_VOCAB };

/* FNV-1a over the table, then the code points of the string lead + the first n of str less its skip-th
 * (no lead if lead is 0, no skip if skip < 0), then mixed (splitmix64): the one hash the filter is
 * filled and asked with */
static uint64_t key_hash(int table, Py_UCS4 lead, PyObject *str, Py_ssize_t n, Py_ssize_t skip) {
    int kind = PyUnicode_KIND(str);
    const void *data = PyUnicode_DATA(str);
    uint64_t h = (1469598103934665603ULL ^ (uint64_t)table) * 1099511628211ULL;
    if (lead) {
        h ^= lead;
        h *= 1099511628211ULL;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (i != skip) {
            h ^= PyUnicode_READ(kind, data, i);
            h *= 1099511628211ULL;
        }
    return mix64(h);
}

/* a second hash of the same characters as key_hash (a polynomial, mod 2^32, from another seed) */
static uint32_t key_check(int table, Py_UCS4 lead, PyObject *str, Py_ssize_t n, Py_ssize_t skip) {
    int kind = PyUnicode_KIND(str);
    const void *data = PyUnicode_DATA(str);
    uint32_t h = 0x9E3779B9u ^ (uint32_t)table * 0x85EBCA6Bu, chars = 0;
    if (lead) h = h * 1000003u + lead, chars++;
    for (Py_ssize_t i = 0; i < n; i++)
        if (i != skip) h = h * 1000003u + PyUnicode_READ(kind, data, i), chars++;
    h ^= chars; /* (the characters hashed: a lead and a skip read as the key string would be) */
    h ^= h >> 16;
    h *= 0x7feb352du;
    h ^= h >> 15;
    return h;
}

/* a key's two bits, in the one 64-bit word of the filter that holds them (so that asking reads one cache
 * line, not two) */
static uint64_t filter_bits(uint64_t h) { return 1ULL << ((h >> 40) & 63) | 1ULL << ((h >> 52) & 63); }

static void filter_add(Tables *t, uint64_t h) { t->filter[(h & t->filter_mask) >> 6] |= filter_bits(h); }

/* 0: certainly no key of the tables the filter holds */
static int filter_may(const Tables *t, uint64_t h) {
    uint64_t bits = filter_bits(h);
    return (t->filter[(h & t->filter_mask) >> 6] & bits) == bits;
}

/* the slot of the key of hashes (h, check): where it is, or the free slot where it would go */
static Slot *slot_of(const Tables *t, uint64_t h, uint32_t check) {
    size_t i = (size_t)h & t->slot_mask;
    while (t->slots[i].at >= 0 && (t->slots[i].h != h || t->slots[i].check != check)) i = (i + 1) & t->slot_mask;
    return &t->slots[i];
}

static void slots_drop(Tables *t) {
    free(t->slots);
    free(t->pool);
    t->slots = NULL;
    t->pool = NULL;
}

/* the keys of table (a dict of strings to lists of tokens; vocab: to a token) into the filter (but vocab's)
 * and, if the Tables have them, into slots and pool from *used on (where two keys share both hashes, the
 * Tables are left without: the dicts are asked) */
static int keys_into(Tables *t, PyObject *table, int which, const char *what, size_t *used) {
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(table, &pos, &key, &value)) {
        if (!PyUnicode_Check(key)) {
            PyErr_Format(PyExc_TypeError, "Tables: a key of %s is not a string", what);
            return -1;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(key);
        uint64_t h = key_hash(which, 0, key, len, -1);
        if (which != IN_VOCAB) filter_add(t, h);
        if (!t->slots) continue;
        uint32_t check = key_check(which, 0, key, len, -1);
        Slot *slot = slot_of(t, h, check);
        if (slot->at >= 0) {
            slots_drop(t);
            continue;
        }
        int single = which == IN_VOCAB;
        if (!single && !PyList_Check(value)) {
            PyErr_Format(PyExc_TypeError, "Tables: a value of %s is not a list", what);
            return -1;
        }
        Py_ssize_t n = single ? 1 : PyList_GET_SIZE(value);
        slot->h = h;
        slot->check = check;
        slot->at = (int32_t)*used;
        t->pool[(*used)++] = (int32_t)n;
        for (Py_ssize_t i = 0; i < n; i++) {
            long v = PyLong_AsLong(single ? value : PyList_GET_ITEM(value, i));
            if (v == -1 && PyErr_Occurred()) return -1;
            if (v < 0 || v >= t->n_tokens) {
                PyErr_Format(PyExc_IndexError, "Tables: a token of %s out of range", what);
                return -1;
            }
            t->pool[(*used)++] = (int32_t)v;
        }
    }
    return 0;
}

/* the filter, and (with_slots) slots and pool, of the tables' keys and the vocabulary's beginnings */
static int tables_build(Tables *t, int with_slots) {
    PyObject *tables[] = {t->vocab, t->by_deletion, t->by_phonetic, t->by_skeleton};
    int which[] = {IN_VOCAB, IN_DELETION, IN_PHONETIC, IN_SKELETON};
    const char *what[] = {"vocab", "by_deletion", "by_phonetic", "by_skeleton"};
    PyObject *words = t->sorted_vocab;
    uint64_t filtered = 0; /* keys in the filter */
    size_t keys = 0, entries = 0;
    for (int k = 0; k < 4; k++) {
        keys += (size_t)PyDict_GET_SIZE(tables[k]);
        if (k) filtered += (uint64_t)PyDict_GET_SIZE(tables[k]);
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        while (k && with_slots && PyDict_Next(tables[k], &pos, &key, &value))
            entries += PyList_Check(value) ? (size_t)PyList_GET_SIZE(value) : 0;
    }
    entries += (size_t)PyDict_GET_SIZE(t->vocab);
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(words); i++) {
        PyObject *word = PyList_GET_ITEM(words, i); /* (a string: tables_init checked) */
        if (PyUnicode_GET_LENGTH(word) >= 3) filtered += (uint64_t)PyUnicode_GET_LENGTH(word) - 2;
    }
    uint64_t bits = 64;
    while (bits < 16 * filtered) bits <<= 1;
    t->filter = calloc(bits / 64, sizeof(uint64_t));
    if (!t->filter) return (PyErr_NoMemory(), -1);
    t->filter_mask = bits - 1;
    if (with_slots && keys + entries < INT32_MAX) { /* (past that, int32 offsets cannot: the dicts are asked) */
        size_t n = 16;
        while (n * 3 < keys * 4) n <<= 1; /* at most 3/4 full */
        t->slots = malloc(n * sizeof(Slot));
        t->pool = malloc((keys + entries + 1) * sizeof(int32_t));
        if (!t->slots || !t->pool) return (PyErr_NoMemory(), -1);
        for (size_t i = 0; i < n; i++) t->slots[i].at = -1;
        t->slot_mask = n - 1;
    }
    size_t used = 0;
    for (int k = 0; k < 4; k++)
        if (keys_into(t, tables[k], which[k], what[k], &used) < 0) return -1;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(words); i++) { /* each beginning of 3 letters or more */
        PyObject *word = PyList_GET_ITEM(words, i);
        for (Py_ssize_t n = 3; n <= PyUnicode_GET_LENGTH(word); n++) filter_add(t, key_hash(IN_PREFIX, 0, word, n, -1));
    }
    return 0;
}

static void tables_dealloc(Tables *self) {
    Py_XDECREF(self->vocab);
    Py_XDECREF(self->by_phonetic);
    Py_XDECREF(self->by_deletion);
    Py_XDECREF(self->by_skeleton);
    Py_XDECREF(self->sorted_vocab);
    Py_XDECREF(self->flat_ents_obj);
    Py_XDECREF(self->flat_nids_obj);
    Py_XDECREF(self->vote_start_obj);
    free(self->idf);
    free(self->post_size);
    free(self->seen);
    free(self->filter);
    free(self->sorted_tids);
    free(self->slots);
    free(self->pool);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int tables_init(Tables *self, PyObject *args, PyObject *kw) {
    PyObject *vocab, *by_phonetic, *by_deletion, *by_skeleton, *sorted_vocab, *idf, *post_size, *flat_ents,
        *flat_nids, *vote_start;
    double max_idf;
    Py_ssize_t max_expansions, max_prefix;
    int dicts_only = 0;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!O!O!OOOdnn|p", &PyDict_Type, &vocab, &PyDict_Type, &by_phonetic,
                          &PyDict_Type, &by_deletion, &PyDict_Type, &by_skeleton, &PyList_Type, &sorted_vocab,
                          &PyList_Type, &idf, &PyList_Type, &post_size, &flat_ents, &flat_nids, &vote_start,
                          &max_idf, &max_expansions, &max_prefix, &dicts_only))
        return -1;
    Py_ssize_t n = PyList_GET_SIZE(idf), n_ents, n_nids, n_start;
    const void *fe, *fn, *vs;
    if (np_array(flat_ents, NPY_INT32, "Tables: flat_ents", &fe, &n_ents) < 0 ||
        np_array(flat_nids, NPY_INT32, "Tables: flat_nids", &fn, &n_nids) < 0 ||
        np_array(vote_start, NPY_INT64, "Tables: vote_start", &vs, &n_start) < 0)
        return -1;
    const int64_t *start = vs;
    int ok = PyList_GET_SIZE(post_size) == n && n_start == n + 1 && n_ents == n_nids && start[0] == 0 &&
             start[n] == n_ents;
    for (Py_ssize_t i = 0; ok && i < n; i++) ok = start[i] <= start[i + 1];
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "Tables: idf, post_size and vote_start do not describe the same tokens, "
                                          "or vote_start does not run over flat_ents and flat_nids");
        return -1;
    }
    if (self->idf) { /* __init__ called again */
        PyErr_SetString(PyExc_RuntimeError, "Tables: already initialised");
        return -1;
    }
    size_t m = (size_t)n + 1;
    self->idf = malloc(m * sizeof(double));
    self->post_size = malloc(m * sizeof(int32_t));
    self->seen = calloc(m, sizeof(uint32_t));
    if (!self->idf || !self->post_size || !self->seen) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        double d = PyFloat_AsDouble(PyList_GET_ITEM(idf, i));
        long s = PyLong_AsLong(PyList_GET_ITEM(post_size, i));
        if ((d == -1.0 || s == -1) && PyErr_Occurred()) return -1;
        self->idf[i] = d;
        self->post_size[i] = (int32_t)s;
    }
    PyObject *refs[] = {vocab, by_phonetic, by_deletion, by_skeleton, sorted_vocab, flat_ents, flat_nids, vote_start};
    for (int i = 0; i < 8; i++) Py_INCREF(refs[i]);
    self->vocab = vocab;
    self->by_phonetic = by_phonetic;
    self->by_deletion = by_deletion;
    self->by_skeleton = by_skeleton;
    self->sorted_vocab = sorted_vocab;
    self->flat_ents_obj = flat_ents;
    self->flat_nids_obj = flat_nids;
    self->vote_start_obj = vote_start;
    self->flat_ents = fe;
    self->flat_nids = fn;
    self->vote_start = start;
    self->n_tokens = n;
    self->max_idf = max_idf;
    self->max_expansions = max_expansions;
    self->max_prefix = max_prefix;
    self->gen = 0;
    Py_ssize_t nw = PyList_GET_SIZE(sorted_vocab);
    if (!(self->sorted_tids = malloc(((size_t)nw + 1) * sizeof(int32_t)))) return (PyErr_NoMemory(), -1);
    for (Py_ssize_t i = 0; i < nw; i++) {
        PyObject *word = PyList_GET_ITEM(sorted_vocab, i);
        PyObject *tid = PyUnicode_Check(word) ? PyDict_GetItemWithError(vocab, word) : NULL;
        long v = tid ? PyLong_AsLong(tid) : -1;
        if (v < 0 || v >= n) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "Tables: a sorted word is not in vocab");
            return -1;
        }
        self->sorted_tids[i] = (int32_t)v;
    }
    return tables_build(self, !dicts_only);
}

static PyTypeObject TablesType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "embargo.index._votes.Tables",
    .tp_basicsize = sizeof(Tables),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)tables_init,
    .tp_dealloc = (destructor)tables_dealloc,
    .tp_doc = "An index's lookup tables, for expansion() (see the module's source).",
};

/* --- expansion ---------------------------------------------------------------------------------- */

typedef struct {
    int32_t *tid;
    double *sim;
    Py_ssize_t len, cap;
} Found;

/* put token v at similarity sim unless it was found already (the ways in are tried best first) */
static int found_tid(Tables *t, Found *f, long v, double sim) {
    if (v < 0 || v >= t->n_tokens) {
        PyErr_Format(PyExc_IndexError, "expansion: token %ld out of range", v);
        return -1;
    }
    if (t->seen[v] == t->gen) return 0;
    t->seen[v] = t->gen;
    if (f->len == f->cap) {
        Py_ssize_t cap = f->cap ? f->cap * 2 : 64;
        int32_t *tid = realloc(f->tid, (size_t)cap * sizeof(int32_t));
        if (!tid) return (PyErr_NoMemory(), -1);
        f->tid = tid;
        double *s = realloc(f->sim, (size_t)cap * sizeof(double));
        if (!s) return (PyErr_NoMemory(), -1);
        f->sim = s;
        f->cap = cap;
    }
    f->tid[f->len] = (int32_t)v;
    f->sim[f->len] = sim;
    f->len++;
    return 0;
}

static int found_add(Tables *t, Found *f, PyObject *item, double sim) {
    long v = PyLong_AsLong(item);
    if (v == -1 && PyErr_Occurred()) return -1;
    return found_tid(t, f, v, sim);
}

/* the tokens table[key] lists (at most `most`; all if most < 0) */
static int add_listed(Tables *t, Found *f, PyObject *table, PyObject *key, Py_ssize_t most, double sim) {
    PyObject *lst = PyDict_GetItemWithError(table, key); /* borrowed */
    if (!lst) return PyErr_Occurred() ? -1 : 0;
    if (!PyList_Check(lst)) {
        PyErr_SetString(PyExc_TypeError, "expansion: a table's value is not a list");
        return -1;
    }
    Py_ssize_t n = PyList_GET_SIZE(lst);
    if (most >= 0 && n > most) n = most;
    for (Py_ssize_t i = 0; i < n; i++)
        if (found_add(t, f, PyList_GET_ITEM(lst, i), sim) < 0) return -1;
    return 0;
}

static PyObject *TILDE, *HASH; /* "~", "#": the prefixes of by_phonetic's keys of variants and OCR keys */

/* the tokens the key lists in table, asked of the dict (where the Tables have no key table of their own):
 * the key is lead (if not 0: TILDE or HASH) and the first n characters of text less its skip-th (none if
 * skip < 0); the caller asked the filter */
static int add_key(Tables *t, Found *f, PyObject *table, PyObject *text, Py_UCS4 lead, Py_ssize_t n, Py_ssize_t skip,
                   Py_ssize_t most, double sim) {
    PyObject *key;
    if (lead)
        key = PyUnicode_Concat(lead == '~' ? TILDE : HASH, text);
    else if (skip < 0)
        key = PyUnicode_Substring(text, 0, n);
    else {
        PyObject *head = PyUnicode_Substring(text, 0, skip);
        PyObject *tail = head ? PyUnicode_Substring(text, skip + 1, n) : NULL;
        key = tail ? PyUnicode_Concat(head, tail) : NULL;
        Py_XDECREF(head);
        Py_XDECREF(tail);
    }
    if (!key) return -1;
    int r = add_listed(t, f, table, key, most, sim);
    Py_DECREF(key);
    return r;
}

/* the token of text in the vocabulary, or -1 (-2 on an error) */
static long own_token(Tables *t, PyObject *text) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (t->slots) {
        const Slot *slot = slot_of(t, key_hash(IN_VOCAB, 0, text, n, -1), key_check(IN_VOCAB, 0, text, n, -1));
        return slot->at < 0 ? -1 : t->pool[slot->at + 1];
    }
    PyObject *own = PyDict_GetItemWithError(t->vocab, text);
    if (!own) return PyErr_Occurred() ? -2 : -1;
    long o = PyLong_AsLong(own);
    if (o == -1 && PyErr_Occurred()) return -2;
    if (o < 0 || o >= t->n_tokens) {
        PyErr_SetString(PyExc_IndexError, "expansion: token out of range");
        return -2;
    }
    return o;
}

typedef struct {
    double w;
    Py_ssize_t at;
} Weighted;

/* higher weight first, then the order found (Python's stable sort by -weight) */
static int cmp_weighted(const void *a, const void *b) {
    const Weighted *x = a, *y = b;
    if (x->w != y->w) return x->w > y->w ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

/* a key expand asks for: add_key's arguments, and its hashes */
typedef struct {
    PyObject *table, *text;
    int which;
    Py_UCS4 lead;
    Py_ssize_t n, skip, most;
    double sim;
    uint64_t h;
    uint32_t check;
    int may; /* the filter may hold it */
} Key;

static int expand(Tables *t, Found *f, PyObject *text, long own, PyObject *variants, PyObject *ocr,
                  PyObject *phonetic, PyObject *skeleton, int vowelless, int initial, int syllabic) {
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    if (own >= 0 && found_tid(t, f, own, 1.0) < 0) return -1;
    if (initial || (syllabic && len <= 4)) return 0;
    /* the keys in the order their tokens are taken: variants, OCR key, phonetic key, the text and the text
     * less each letter, skeleton */
    Py_ssize_t nv = PyTuple_GET_SIZE(variants), most = t->max_expansions;
    Key keys_s[48], *keys = nv + len + 5 <= 48 ? keys_s : malloc((size_t)(nv + len + 5) * sizeof(Key));
    if (!keys) return (PyErr_NoMemory(), -1);
    Py_ssize_t nk = 0;
    for (Py_ssize_t i = 0; i < nv; i++) {
        PyObject *v = PyTuple_GET_ITEM(variants, i);
        keys[nk++] = (Key){t->by_phonetic, v, IN_PHONETIC, '~', PyUnicode_GET_LENGTH(v), -1, -1, 0.95};
    }
    keys[nk++] = (Key){t->by_phonetic, ocr, IN_PHONETIC, '#', PyUnicode_GET_LENGTH(ocr), -1, most, 0.9};
    Py_ssize_t np = PyUnicode_GET_LENGTH(phonetic);
    if (np > 0 && len >= 3) keys[nk++] = (Key){t->by_phonetic, phonetic, IN_PHONETIC, 0, np, -1, most, 0.9};
    if (len >= 4)
        for (Py_ssize_t i = -1; i < len; i++)
            keys[nk++] = (Key){t->by_deletion, text, IN_DELETION, 0, len, i, most, 0.88};
    Py_ssize_t ns = PyUnicode_GET_LENGTH(skeleton);
    if (vowelless && ns >= 2) keys[nk++] = (Key){t->by_skeleton, skeleton, IN_SKELETON, 0, ns, -1, most, 0.85};
    /* the filter's words of all keys asked for at once, then the table's slots of those it may hold: each
     * a wait on memory, here in parallel rather than one after another */
    for (Py_ssize_t k = 0; k < nk; k++) {
        keys[k].h = key_hash(keys[k].which, keys[k].lead, keys[k].text, keys[k].n, keys[k].skip);
        __builtin_prefetch(&t->filter[(keys[k].h & t->filter_mask) >> 6]);
    }
    for (Py_ssize_t k = 0; k < nk; k++)
        if ((keys[k].may = filter_may(t, keys[k].h)) && t->slots) {
            keys[k].check = key_check(keys[k].which, keys[k].lead, keys[k].text, keys[k].n, keys[k].skip);
            __builtin_prefetch(&t->slots[(size_t)keys[k].h & t->slot_mask]);
        }
    int r = 0;
    for (Py_ssize_t k = 0; k < nk && r >= 0; k++) {
        Key *key = &keys[k];
        if (!key->may) continue;
        if (!t->slots) {
            r = add_key(t, f, key->table, key->text, key->lead, key->n, key->skip, key->most, key->sim);
            continue;
        }
        const Slot *slot = slot_of(t, key->h, key->check);
        if (slot->at < 0) continue;
        const int32_t *listed = t->pool + slot->at;
        Py_ssize_t count = listed[0];
        if (key->most >= 0 && count > key->most) count = key->most;
        for (Py_ssize_t i = 0; i < count && r >= 0; i++) r = found_tid(t, f, listed[1 + i], key->sim);
    }
    if (keys != keys_s) free(keys);
    if (r < 0) return -1;
    /* vocabulary words the text begins (bisect_left, then in order) */
    if (len >= 3 && filter_may(t, key_hash(IN_PREFIX, 0, text, len, -1))) {
        PyObject *words = t->sorted_vocab;
        Py_ssize_t lo = 0, hi = PyList_GET_SIZE(words);
        while (lo < hi) {
            Py_ssize_t mid = (lo + hi) / 2;
            int c = PyUnicode_Compare(PyList_GET_ITEM(words, mid), text);
            if (c == -1 && PyErr_Occurred()) return -1;
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        Py_ssize_t end = lo + t->max_prefix;
        if (end > PyList_GET_SIZE(words)) end = PyList_GET_SIZE(words);
        for (Py_ssize_t i = lo; i < end; i++) {
            PyObject *word = PyList_GET_ITEM(words, i);
            Py_ssize_t m = PyUnicode_Tailmatch(word, text, 0, PY_SSIZE_T_MAX, -1);
            if (m < 0) return -1;
            if (!m) break;
            if (found_tid(t, f, t->sorted_tids[i], 0.8) < 0) return -1;
        }
    }
    return 0;
}

/* expansion()'s fields of a word and its keys; None instead if none_if_empty and it expands to nothing */
static PyObject *expansion_fields(Tables *t, PyObject *text, PyObject *variants, PyObject *ocr, PyObject *phonetic,
                                  PyObject *skeleton, int vowelless, int initial, int syllabic, int none_if_empty) {
    if (!t->seen) {
        PyErr_SetString(PyExc_RuntimeError, "expansion: Tables not initialised");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(variants); i++)
        if (!PyUnicode_Check(PyTuple_GET_ITEM(variants, i))) {
            PyErr_SetString(PyExc_TypeError, "expansion: variants must be strings");
            return NULL;
        }
    if (++t->gen == 0) { /* wrapped: forget every stamp */
        memset(t->seen, 0, ((size_t)t->n_tokens + 1) * sizeof(uint32_t));
        t->gen = 1;
    }
    Found f = {NULL, NULL, 0, 0};
    Weighted *order = NULL;
    PyObject *weights = NULL, *sizes = NULL, *tids = NULL, *result = NULL;
    long own = own_token(t, text); /* the query's own token, if listed */
    if (own == -2) goto done;
    if (expand(t, &f, text, own, variants, ocr, phonetic, skeleton, vowelless, initial, syllabic) < 0) goto done;
    if (none_if_empty && f.len == 0) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    /* a rare spelling variant counts no more than the query's own token would */
    double cap = own >= 0 ? t->idf[own] : t->max_idf;
    order = malloc(((size_t)f.len + 1) * sizeof(Weighted));
    if (!order) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < f.len; i++) {
        double idf = t->idf[f.tid[i]];
        order[i].w = (cap < idf ? cap : idf) * f.sim[i];
        order[i].at = i;
    }
    qsort(order, (size_t)f.len, sizeof(Weighted), cmp_weighted);
    /* numpy arrays, not tuples: the expansions kept are many, and a tuple of floats is an object per
     * weight that the garbage collector visits on each pass while its tuple is young */
    npy_intp dim = f.len;
    weights = PyArray_SimpleNew(1, &dim, NPY_FLOAT64);
    sizes = PyArray_SimpleNew(1, &dim, NPY_INT64);
    tids = PyArray_SimpleNew(1, &dim, NPY_INT32);
    if (!weights || !sizes || !tids) goto done;
    int32_t *tid_out = PyArray_DATA((PyArrayObject *)tids);
    double *w_out = PyArray_DATA((PyArrayObject *)weights);
    int64_t *size_out = PyArray_DATA((PyArrayObject *)sizes);
    long min_df = 1L << 30, largest = 0;
    for (Py_ssize_t i = 0; i < f.len; i++) {
        int32_t tid = f.tid[order[i].at];
        long size = t->post_size[tid];
        if (size < min_df) min_df = size;
        if (size > largest) largest = size;
        w_out[i] = order[i].w;
        size_out[i] = size;
        tid_out[i] = tid;
    }
    result = Py_BuildValue("(lOOlO)", min_df, weights, sizes, largest, tids);
done:
    Py_XDECREF(weights);
    Py_XDECREF(sizes);
    Py_XDECREF(tids);
    free(order);
    free(f.tid);
    free(f.sim);
    return result;
}

static PyObject *expansion(PyObject *mod, PyObject *args) {
    Tables *t;
    PyObject *text, *variants, *ocr, *phonetic, *skeleton;
    int vowelless, initial, syllabic;
    if (!PyArg_ParseTuple(args, "O!UO!UUUppp", &TablesType, &t, &text, &PyTuple_Type, &variants, &ocr, &phonetic,
                          &skeleton, &vowelless, &initial, &syllabic))
        return NULL;
    return expansion_fields(t, text, variants, ocr, phonetic, skeleton, vowelless, initial, syllabic, 0);
}

/* --- a word's keys, made in C --------------------------------------------------------------------- */

static PyObject *PHONETIC_KEY; /* embargo.text._phonetic.key, imported on first use */

/* match.prepare.ocr_key: its replacements in its order, each of every occurrence left to right (as
 * str.replace); in place in s (the key is never longer) */
static Py_ssize_t ocr_fold(char *s, Py_ssize_t n) {
    static const char *from[] = {"rn", "vv", "cl", "0", "1", "l", "5", "2", "8"};
    static const char to[] = {'m', 'w', 'd', 'o', 'i', 'i', 's', 'z', 'b'};
    for (size_t r = 0; r < sizeof(to); r++) {
        size_t m = strlen(from[r]);
        Py_ssize_t k = 0;
        for (Py_ssize_t i = 0; i < n;) {
            if ((size_t)(n - i) >= m && memcmp(s + i, from[r], m) == 0) {
                s[k++] = to[r];
                i += (Py_ssize_t)m;
            } else {
                s[k++] = s[i++];
            }
        }
        n = k;
    }
    return n;
}

/* match.prepare.skeleton: vowels (a e i o u y) dropped, runs of a letter collapsed; the first letter if
 * nothing is left */
static Py_ssize_t skeleton_of(const char *s, Py_ssize_t n, char *out) {
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        char ch = s[i];
        if (strchr("aeiouy", ch)) continue;
        if (!k || out[k - 1] != ch) out[k++] = ch;
    }
    if (!k && n) out[k++] = s[0];
    return k;
}

/* expansion_of(tables, text, variants, syllabic) -> the fields of expansion(), with the keys of text made
 * here as match.prepare.prepare_token makes them (for a word that is no prepared token: two adjacent words
 * written as one); None where it expands to nothing. text: lower-case ASCII letters and digits (what name
 * tokens are made of; a TypeError otherwise) */
static PyObject *expansion_of(PyObject *mod, PyObject *args) {
    Tables *t;
    PyObject *text, *variants;
    int syllabic;
    if (!PyArg_ParseTuple(args, "O!UO!p", &TablesType, &t, &text, &PyTuple_Type, &variants, &syllabic)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (!PyUnicode_IS_ASCII(text) || n == 0) {
        PyErr_SetString(PyExc_TypeError, "expansion_of: a word of lower-case ASCII letters and digits expected");
        return NULL;
    }
    const char *s = (const char *)PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9'))) {
            PyErr_SetString(PyExc_TypeError, "expansion_of: a word of lower-case ASCII letters and digits expected");
            return NULL;
        }
    if (!PHONETIC_KEY) {
        PyObject *m = PyImport_ImportModule("embargo.text._phonetic");
        if (!m) return NULL;
        PHONETIC_KEY = PyObject_GetAttrString(m, "key");
        Py_DECREF(m);
        if (!PHONETIC_KEY) return NULL;
    }
    char buf_s[64], *buf = n < 64 ? buf_s : PyMem_Malloc((size_t)n + 1);
    char skel_s[64], *skel = n < 64 ? skel_s : PyMem_Malloc((size_t)n + 1);
    PyObject *ocr = NULL, *phonetic = NULL, *skeleton = NULL, *fields = NULL;
    if (!buf || !skel) {
        PyErr_NoMemory();
        goto done;
    }
    memcpy(buf, s, (size_t)n);
    Py_ssize_t no = ocr_fold(buf, n);
    Py_ssize_t ns = skeleton_of(s, n, skel);
    int vowelless = n >= 2;
    for (Py_ssize_t i = 1; i < n && vowelless; i++)
        if (strchr("aeiou", s[i])) vowelless = 0;
    ocr = PyUnicode_FromStringAndSize(buf, no);
    skeleton = PyUnicode_FromStringAndSize(skel, ns);
    phonetic = ocr && skeleton ? PyObject_CallOneArg(PHONETIC_KEY, text) : NULL;
    if (!phonetic) goto done;
    if (!PyUnicode_Check(phonetic)) {
        PyErr_SetString(PyExc_TypeError, "expansion_of: the phonetic key is not a string");
        goto done;
    }
    fields = expansion_fields(t, text, variants, ocr, phonetic, skeleton, vowelless, n == 1, syllabic, 1);
done:
    Py_XDECREF(ocr);
    Py_XDECREF(phonetic);
    Py_XDECREF(skeleton);
    if (buf && buf != buf_s) PyMem_Free(buf);
    if (skel && skel != skel_s) PyMem_Free(skel);
    return fields;
}

/* --- votes -------------------------------------------------------------------------------------- */

/* (ents, weights, names) arrays of n entries copied from C */
static PyObject *votes(const int32_t *e, const double *w, const int32_t *nid, Py_ssize_t n) {
    npy_intp dim = n;
    PyObject *ea = PyArray_SimpleNew(1, &dim, NPY_INT32);
    PyObject *wa = PyArray_SimpleNew(1, &dim, NPY_FLOAT64);
    PyObject *na = PyArray_SimpleNew(1, &dim, NPY_INT32);
    if (!ea || !wa || !na) {
        Py_XDECREF(ea);
        Py_XDECREF(wa);
        Py_XDECREF(na);
        return NULL;
    }
    if (n) {
        memcpy(PyArray_DATA((PyArrayObject *)ea), e, (size_t)n * sizeof(int32_t));
        memcpy(PyArray_DATA((PyArrayObject *)wa), w, (size_t)n * sizeof(double));
        memcpy(PyArray_DATA((PyArrayObject *)na), nid, (size_t)n * sizeof(int32_t));
    }
    return Py_BuildValue("(NNN)", ea, wa, na);
}

enum { SMALL_K = 64, SMALL_OUT = 1024 }; /* what best_per_entity keeps on the stack */

/* a heap entry: an array's head entity and the array, as one key ordered by (entity, array) */
static inline uint64_t head_key(int32_t ent, Py_ssize_t k) { return (uint64_t)(uint32_t)ent << 32 | (uint32_t)k; }

/* the least key from position i down (a min-heap of n keys; keys are unique: one per array) */
static void sift_down(uint64_t *h, Py_ssize_t n, Py_ssize_t i) {
    uint64_t x = h[i];
    for (;;) {
        Py_ssize_t l = 2 * i + 1;
        if (l >= n) break;
        Py_ssize_t m = l + 1 < n && h[l + 1] < h[l] ? l + 1 : l;
        if (h[m] >= x) break;
        h[i] = h[m];
        i = m;
    }
    h[i] = x;
}

static PyObject *best_per_entity(PyObject *mod, PyObject *args) {
    Tables *t;
    PyObject *tids_obj, *weights_obj;
    if (!PyArg_ParseTuple(args, "O!OO", &TablesType, &t, &tids_obj, &weights_obj)) return NULL;
    PyObject *result = NULL;
    const int32_t **e = NULL, **nid = NULL, *tids;
    const double *ws;
    Py_ssize_t *len = NULL, *pos = NULL;
    double *w = NULL;
    uint64_t *heap = NULL;
    int32_t *oe = NULL, *on = NULL;
    double *ow = NULL;
    Py_ssize_t k, n_ws;
    const int32_t *e_s[SMALL_K + 1], *nid_s[SMALL_K + 1];
    Py_ssize_t len_s[SMALL_K + 1], pos_s[SMALL_K + 1];
    double w_s[SMALL_K + 1], ow_s[SMALL_OUT + 1];
    uint64_t heap_s[SMALL_K + 1];
    int32_t oe_s[SMALL_OUT + 1], on_s[SMALL_OUT + 1];
    if (np_array(tids_obj, NPY_INT32, "best_per_entity: tids", (const void **)&tids, &k) < 0 ||
        np_array(weights_obj, NPY_FLOAT64, "best_per_entity: weights", (const void **)&ws, &n_ws) < 0)
        goto done;
    if (!t->vote_start) {
        PyErr_SetString(PyExc_RuntimeError, "best_per_entity: Tables not initialised");
        goto done;
    }
    if (n_ws != k) {
        PyErr_SetString(PyExc_ValueError, "best_per_entity: tids and weights differ in length");
        goto done;
    }
    /* on the stack where they fit, as nearly all do (tens of tokens, hundreds of votes) */
    size_t m = (size_t)k + 1;
    if (k <= SMALL_K) {
        e = e_s, nid = nid_s, len = len_s, pos = pos_s, w = w_s, heap = heap_s;
        memset(pos, 0, m * sizeof(*pos));
    } else {
        e = malloc(m * sizeof(*e));
        nid = malloc(m * sizeof(*nid));
        len = malloc(m * sizeof(*len));
        pos = calloc(m, sizeof(*pos));
        w = malloc(m * sizeof(*w));
        heap = malloc(m * sizeof(*heap));
    }
    if (!e || !nid || !len || !pos || !w || !heap) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t total = 0, n_heap = 0;
    for (Py_ssize_t i = 0; i < k; i++) {
        int32_t tid = tids[i];
        if (tid < 0 || tid >= t->n_tokens) {
            PyErr_Format(PyExc_IndexError, "best_per_entity: token %d out of range", (int)tid);
            goto done;
        }
        e[i] = t->flat_ents + t->vote_start[tid];
        nid[i] = t->flat_nids + t->vote_start[tid];
        len[i] = (Py_ssize_t)(t->vote_start[tid + 1] - t->vote_start[tid]);
        __builtin_prefetch(e[i]);
        w[i] = ws[i];
        total += len[i];
        __builtin_prefetch(nid[i]); /* (the arrays' first lines: the merge below reads them in no set order) */
        if (len[i]) heap[n_heap++] = head_key(e[i][0], i);
    }
    if (total <= SMALL_OUT) {
        oe = oe_s, on = on_s, ow = ow_s;
    } else {
        oe = malloc(((size_t)total + 1) * sizeof(int32_t));
        on = malloc(((size_t)total + 1) * sizeof(int32_t));
        ow = malloc(((size_t)total + 1) * sizeof(double));
    }
    if (!oe || !on || !ow) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t out = 0;
    if (k == 1) { /* as _best_per_entity: the one token's votes as they are */
        memcpy(oe, e[0], (size_t)len[0] * sizeof(int32_t));
        memcpy(on, nid[0], (size_t)len[0] * sizeof(int32_t));
        for (Py_ssize_t i = 0; i < len[0]; i++) ow[i] = w[0];
        result = votes(oe, ow, on, len[0]);
        goto done;
    }
    if (k == 2) { /* a merge of two ascending arrays: the first's entry where both have an entity */
        Py_ssize_t i = 0, j = 0;
        while (i < len[0] || j < len[1]) {
            int from0 = j >= len[1] || (i < len[0] && e[0][i] <= e[1][j]);
            int32_t ent = from0 ? e[0][i] : e[1][j];
            if (out && oe[out - 1] >= ent) {
                PyErr_SetString(PyExc_ValueError, "best_per_entity: an ents array is not ascending");
                goto done;
            }
            oe[out] = ent;
            ow[out] = from0 ? w[0] : w[1];
            on[out] = from0 ? nid[0][i] : nid[1][j];
            out++;
            if (from0 && j < len[1] && e[1][j] == ent) j++;
            if (from0)
                i++;
            else
                j++;
        }
        result = votes(oe, ow, on, out);
        goto done;
    }
    for (Py_ssize_t i = n_heap / 2; i-- > 0;) sift_down(heap, n_heap, i);
    while (n_heap) { /* entities in ascending order; an entity's first array (its best weight) first */
        int32_t ent = (int32_t)(heap[0] >> 32);
        Py_ssize_t hk = (Py_ssize_t)(heap[0] & 0xffffffffu), p = pos[hk];
        if (!out || oe[out - 1] != ent) {
            if (out && oe[out - 1] > ent) {
                PyErr_SetString(PyExc_ValueError, "best_per_entity: an ents array is not ascending");
                goto done;
            }
            oe[out] = ent;
            ow[out] = w[hk];
            on[out] = nid[hk][p];
            out++;
        }
        pos[hk] = ++p;
        if (!(p & 15)) { /* the array's lines 64 bytes ahead */
            __builtin_prefetch(e[hk] + p + 16);
            __builtin_prefetch(nid[hk] + p + 16);
        }
        if (p < len[hk])
            heap[0] = head_key(e[hk][p], hk);
        else
            heap[0] = heap[--n_heap];
        sift_down(heap, n_heap, 0);
    }
    result = votes(oe, ow, on, out);
done:
    if (e != e_s) {
        free(e);
        free(nid);
        free(len);
        free(pos);
        free(w);
        free(heap);
    }
    if (oe != oe_s) {
        free(oe);
        free(on);
        free(ow);
    }
    return result;
}

typedef struct {
    int32_t ent, nid;
    double gain;
    Py_ssize_t at;
} Gain;

/* by entity, then the higher gain, then the earlier entry */
static int cmp_gain(const void *a, const void *b) {
    const Gain *x = a, *y = b;
    if (x->ent != y->ent) return x->ent < y->ent ? -1 : 1;
    if (x->gain != y->gain) return x->gain > y->gain ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

/* the votes (ents, weights, names) of a votes tuple */
static int votes_arrays(PyObject *v, const int32_t **e, const double **w, const int32_t **nid, Py_ssize_t *n) {
    if (!PyTuple_Check(v) || PyTuple_GET_SIZE(v) != 3) {
        PyErr_SetString(PyExc_TypeError, "pair_gains: votes must be a tuple of three arrays");
        return -1;
    }
    Py_ssize_t nw, nn;
    if (np_array(PyTuple_GET_ITEM(v, 0), NPY_INT32, "pair_gains: entities", (const void **)e, n) < 0 ||
        np_array(PyTuple_GET_ITEM(v, 1), NPY_FLOAT64, "pair_gains: weights", (const void **)w, &nw) < 0 ||
        np_array(PyTuple_GET_ITEM(v, 2), NPY_INT32, "pair_gains: names", (const void **)nid, &nn) < 0)
        return -1;
    if (nw != *n || nn != *n) {
        PyErr_SetString(PyExc_ValueError, "pair_gains: the arrays of a votes tuple differ in length");
        return -1;
    }
    return 0;
}

/* what `other` (ascending entities, or None) gives each of ents (ascending), 0 where nothing; out[i] */
static int subtract(PyObject *other, const int32_t *ents, double *gain, Py_ssize_t n) {
    if (other == Py_None) {
        for (Py_ssize_t i = 0; i < n; i++) gain[i] = gain[i] - 0.0;
        return 0;
    }
    const int32_t *oe, *on;
    const double *ow;
    Py_ssize_t m;
    if (votes_arrays(other, &oe, &ow, &on, &m) < 0) return -1;
    Py_ssize_t j = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        while (j < m && oe[j] < ents[i]) j++;
        gain[i] = gain[i] - (j < m && oe[j] == ents[i] ? ow[j] : 0.0);
    }
    return 0;
}

static PyObject *pair_gains(PyObject *mod, PyObject *args) {
    PyObject *items;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &items)) return NULL;
    Gain *all = NULL;
    double *gain = NULL;
    Py_ssize_t n_all = 0, cap_all = 0, groups = 0;
    PyObject *result = NULL;
    for (Py_ssize_t g = 0; g < PyList_GET_SIZE(items); g++) {
        PyObject *item = PyList_GET_ITEM(items, g);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3) {
            PyErr_SetString(PyExc_TypeError, "pair_gains: expected (votes, votes or None, votes or None)");
            goto done;
        }
        const int32_t *e, *nid;
        const double *w;
        Py_ssize_t n;
        if (votes_arrays(PyTuple_GET_ITEM(item, 0), &e, &w, &nid, &n) < 0) goto done;
        for (Py_ssize_t i = 1; i < n; i++)
            if (e[i - 1] >= e[i]) {
                PyErr_SetString(PyExc_ValueError, "pair_gains: entities not ascending");
                goto done;
            }
        free(gain);
        gain = malloc(((size_t)n + 1) * sizeof(double));
        if (!gain) {
            PyErr_NoMemory();
            goto done;
        }
        memcpy(gain, w, (size_t)n * sizeof(double));
        if (subtract(PyTuple_GET_ITEM(item, 1), e, gain, n) < 0 || subtract(PyTuple_GET_ITEM(item, 2), e, gain, n) < 0)
            goto done;
        Py_ssize_t before = n_all;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (!(gain[i] > 0)) continue;
            if (n_all == cap_all) {
                Py_ssize_t cap = cap_all ? cap_all * 2 : 256;
                Gain *a = realloc(all, (size_t)cap * sizeof(Gain));
                if (!a) {
                    PyErr_NoMemory();
                    goto done;
                }
                all = a;
                cap_all = cap;
            }
            all[n_all] = (Gain){e[i], nid[i], gain[i], n_all};
            n_all++;
        }
        if (n_all > before) groups++;
    }
    if (!n_all) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    if (groups > 1) qsort(all, (size_t)n_all, sizeof(Gain), cmp_gain); /* each entity's best pair first */
    int32_t *oe = malloc((size_t)n_all * sizeof(int32_t)), *on = malloc((size_t)n_all * sizeof(int32_t));
    double *ow = malloc((size_t)n_all * sizeof(double));
    if (!oe || !on || !ow) {
        PyErr_NoMemory();
    } else {
        Py_ssize_t out = 0;
        for (Py_ssize_t i = 0; i < n_all; i++) {
            if (out && oe[out - 1] == all[i].ent) continue;
            oe[out] = all[i].ent;
            ow[out] = all[i].gain;
            on[out] = all[i].nid;
            out++;
        }
        result = votes(oe, ow, on, out);
    }
    free(oe);
    free(on);
    free(ow);
done:
    free(all);
    free(gain);
    return result;
}

static PyMethodDef methods[] = {
    {"expansion", expansion, METH_VARARGS, "What a query token expands to (see the module's source)."},
    {"expansion_of", expansion_of, METH_VARARGS, "What a word expands to, its keys made here (see the source)."},
    {"best_per_entity", best_per_entity, METH_VARARGS, "Each entity's best vote through a token's expansion."},
    {"pair_gains", pair_gains, METH_VARARGS, "Each entity's gain from its best pair of words read as one."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "embargo.index._votes", NULL, -1, methods};

PyMODINIT_FUNC PyInit__votes(void) {
    import_array();
    if (!(TILDE = PyUnicode_InternFromString("~")) || !(HASH = PyUnicode_InternFromString("#"))) return NULL;
    if (PyType_Ready(&TablesType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&TablesType);
    if (PyModule_AddObject(m, "Tables", (PyObject *)&TablesType) < 0) {
        Py_DECREF(&TablesType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
