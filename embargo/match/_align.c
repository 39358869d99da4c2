/* The score of two names in C: names._compare, for the pairs where no two adjacent words are read as one
 * (names.name_score decides; those that are stay in Python), with names.token_similarity for the token
 * pairs its memo has not met. Scoring a query meets ~17 listed names, most of them only to be found below
 * the floor through the upper bound. The steps, the order of every floating-point operation and the
 * results are those of names._compare, names._upper_bound and names.token_similarity; tests/match checks
 * that both agree.
 *
 * Params(name_params, memo_max): one names.NameParams (any object with its fields), read by field name once,
 *        and its memo of how tokens met (see Met: at most memo_max token pairs, emptied when more).
 * The View type (a prepared name as this module reads it) is embargo.names._view's (see _view.h).
 * score(params, query view, listed view, query tokens, listed tokens, person, at_least, explain, may_join)
 *        -> the score; explained: (score, query coverage, listed coverage, ((i, j, similarity, how), ...));
 *        if may_join, None where adjacent words may be read as one (names._join_step decides whether they
 *        are: names._compare scores those that are). The tokens (a check that they are the views' names') may
 *        both be None where the caller has the views of the names themselves: a name of no token then scores
 *        0, as names.name_score scores it (scoring a candidate need not read its names' objects).
 * best_many(params, query views, candidates, views, kinds, factors, schemas, person, need, keep[, own, read])
 *        -> (found, declined): the best scored pair of names of each candidate, as algorithm._score_entity
 *        ranks one candidate's names (see best_of and best_many below; algorithm.rank_scores).
 * similarity(params, query view, i, listed view, j, last, syllabic, abjad) -> (similarity, how): for tests.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../_hash.h"

#include "../names/_view.h"


/* The memo of how tokens met, as names._Memo keeps it but with no Python object read or made: a row per
 * query token and way of comparing (its text's hash mixed with the flags), each row a small open-addressing
 * table of the listed texts (by hash) it met. A row's pairs lie together, so the candidates of one query
 * find them in cache. Two pairs are taken for one only if both texts' 64-bit string hashes and the way of
 * comparing are equal. */
typedef struct {
    uint64_t c; /* the listed text's hash (0 is taken as 1: 0 marks a free slot) */
    double sim;
    int how;
} Met;

typedef struct {
    uint64_t q; /* memo_qkey (never 0: 0 marks a free slot) */
    uint32_t size, mask;
    Met *met;
} Row;

static uint64_t memo_qkey(uint64_t qhash, int flags) {
    uint64_t k = qhash ^ ((uint64_t)(flags + 1) * 0x9E3779B97F4A7C15ULL);
    return k ? k : 1;
}

/* names.NameParams' constants of token_similarity */
typedef struct {
    double exact, variant, ocr, edit_cost, short_edit, tiny_edit, phonetic, phonetic_spread, skeleton_long,
        skeleton_short, prefix, initial, phonetic_min_similarity, abjad_letters;
    int strict_consonants;
} TokenParams;

typedef struct {
    PyObject_HEAD
    TokenParams t;
    double query_weight_person, query_weight_other, subset_factor, subset_min_similarity, conflict_penalty,
        extra_word_penalty, legal_conflict_penalty, cut_name, patronymic_weight;
    double role_weight[4]; /* by ROLE_ */
    long subset_min_letters;
    int letters, abjad_joins, subset_syllabic, ready;
    Row *rows;            /* the memo (see Met) */
    size_t rows_mask;     /* its size - 1 (a power of two) */
    Py_ssize_t n_rows, size, max; /* rows and pairs in it; pairs at most */
} Params;

static void memo_clear(Params *P) {
    for (size_t k = 0; k <= P->rows_mask; k++) free(P->rows[k].met);
    memset(P->rows, 0, (P->rows_mask + 1) * sizeof(Row));
    P->n_rows = P->size = 0;
}

static void params_dealloc(Params *self) {
    if (self->rows) memo_clear(self);
    free(self->rows);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* the float fields of names.NameParams that Params reads, by name, and where it keeps each */
typedef struct {
    const char *name;
    size_t offset;
} Field;

static const Field FLOAT_FIELDS[] = {
    {"exact", offsetof(Params, t.exact)},
    {"variant", offsetof(Params, t.variant)},
    {"ocr", offsetof(Params, t.ocr)},
    {"edit_cost", offsetof(Params, t.edit_cost)},
    {"short_edit", offsetof(Params, t.short_edit)},
    {"tiny_edit", offsetof(Params, t.tiny_edit)},
    {"phonetic", offsetof(Params, t.phonetic)},
    {"phonetic_spread", offsetof(Params, t.phonetic_spread)},
    {"skeleton_long", offsetof(Params, t.skeleton_long)},
    {"skeleton_short", offsetof(Params, t.skeleton_short)},
    {"prefix", offsetof(Params, t.prefix)},
    {"initial", offsetof(Params, t.initial)},
    {"phonetic_min_similarity", offsetof(Params, t.phonetic_min_similarity)},
    {"abjad_letters", offsetof(Params, t.abjad_letters)},
    {"query_weight_person", offsetof(Params, query_weight_person)},
    {"query_weight_other", offsetof(Params, query_weight_other)},
    {"subset_factor", offsetof(Params, subset_factor)},
    {"subset_min_similarity", offsetof(Params, subset_min_similarity)},
    {"conflict_penalty", offsetof(Params, conflict_penalty)},
    {"extra_word_penalty", offsetof(Params, extra_word_penalty)},
    {"legal_conflict_penalty", offsetof(Params, legal_conflict_penalty)},
    {"cut_name", offsetof(Params, cut_name)},
    {"patronymic_weight", offsetof(Params, patronymic_weight)},
};

/* a field of the parameters that must be there: a new reference, or NULL with the error naming it */
static PyObject *field_of(PyObject *params, const char *name) {
    PyObject *v = PyObject_GetAttrString(params, name);
    if (!v && PyErr_ExceptionMatches(PyExc_AttributeError)) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "Params: the parameters have no field %s", name);
    }
    return v;
}

static int float_field(PyObject *params, const char *name, double *out) {
    PyObject *v = field_of(params, name);
    if (!v) return -1;
    *out = PyFloat_AsDouble(v);
    Py_DECREF(v);
    if (*out == -1.0 && PyErr_Occurred()) {
        PyErr_Format(PyExc_TypeError, "Params: field %s is not a number", name);
        return -1;
    }
    return 0;
}

static int bool_field(PyObject *params, const char *name, int *out) {
    PyObject *v = field_of(params, name);
    if (!v) return -1;
    *out = PyObject_IsTrue(v);
    Py_DECREF(v);
    return *out < 0 ? -1 : 0;
}

/* role_weight: ((role, weight), ...), as names._role_weights reads it (a dict of it: the last of a role
 * counts); each of the four roles must have one */
static int role_weights(PyObject *params, double *w) {
    static const char *roles[] = {"name", "initial", "legal", "stop"};
    int seen[4] = {0, 0, 0, 0};
    PyObject *v = field_of(params, "role_weight");
    if (!v) return -1;
    PyObject *seq = PySequence_Fast(v, "Params: role_weight must be a sequence of (role, weight)");
    Py_DECREF(v);
    if (!seq) return -1;
    for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(seq); k++) {
        PyObject *pair = PySequence_Fast_GET_ITEM(seq, k);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2 || !PyUnicode_Check(PyTuple_GET_ITEM(pair, 0))) {
            PyErr_SetString(PyExc_TypeError, "Params: role_weight must be a sequence of (role, weight)");
            goto fail;
        }
        int r = 0;
        while (r < 4 && PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(pair, 0), roles[r]) != 0) r++;
        if (r == 4) {
            PyErr_Format(PyExc_ValueError, "Params: unknown role %R in role_weight", PyTuple_GET_ITEM(pair, 0));
            goto fail;
        }
        w[r] = PyFloat_AsDouble(PyTuple_GET_ITEM(pair, 1));
        if (w[r] == -1.0 && PyErr_Occurred()) goto fail;
        seen[r] = 1;
    }
    Py_DECREF(seq);
    for (int r = 0; r < 4; r++)
        if (!seen[r]) {
            PyErr_Format(PyExc_ValueError, "Params: role_weight has no weight for %s", roles[r]);
            return -1;
        }
    return 0;
fail:
    Py_DECREF(seq);
    return -1;
}

static int params_init(Params *self, PyObject *args, PyObject *kw) {
    PyObject *params;
    if (self->ready) {
        PyErr_SetString(PyExc_RuntimeError, "Params: already initialised");
        return -1;
    }
    if (!PyArg_ParseTuple(args, "On", &params, &self->max)) return -1;
    for (size_t k = 0; k < sizeof(FLOAT_FIELDS) / sizeof(FLOAT_FIELDS[0]); k++)
        if (float_field(params, FLOAT_FIELDS[k].name, (double *)((char *)self + FLOAT_FIELDS[k].offset)) < 0)
            return -1;
    PyObject *letters = field_of(params, "subset_min_letters");
    if (!letters) return -1;
    self->subset_min_letters = PyLong_AsLong(letters);
    Py_DECREF(letters);
    if (self->subset_min_letters == -1 && PyErr_Occurred()) return -1;
    if (bool_field(params, "strict_consonants", &self->t.strict_consonants) < 0 ||
        bool_field(params, "abjad_joins", &self->abjad_joins) < 0 ||
        bool_field(params, "subset_syllabic", &self->subset_syllabic) < 0 ||
        role_weights(params, self->role_weight) < 0)
        return -1;
    TokenParams *t = &self->t;
    if (self->max < 1) self->max = 1;
    self->rows_mask = (1u << 10) - 1;
    self->n_rows = 0;
    if (!(self->rows = calloc(self->rows_mask + 1, sizeof(Row)))) {
        PyErr_NoMemory();
        return -1;
    }
    self->letters = t->abjad_letters != 0.0; /* names._compare: bool(p.abjad_letters) */
    self->size = 0;
    self->ready = 1;
    return 0;
}

static PyTypeObject ParamsType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "embargo.match._align.Params",
    .tp_basicsize = sizeof(Params),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)params_init,
    .tp_dealloc = (destructor)params_dealloc,
    .tp_doc = "One parameter set of the name scoring, with its memo (see the module's source).",
};

/* embargo.names._view.View, taken from that module when this one is imported (see _view.h) */
static PyTypeObject *ViewType;

/* a == b for two strings (lengths first) */

static int text_eq(PyObject *a, PyObject *b);

static int abjad_join_any(const View *q, const View *c);

/* names._joins: whether names._join_step may read two adjacent words of one name as one word of the other:
 * 1 if it may (a test that may say 1 where it joins none: names._unless_joined then finds that), 0 if it
 * joins none, -1 on an error */
static int joins(const Params *P, const View *q, const View *c) {
    if (P->abjad_joins && q->abjad && q->n > 1) {
        int r = abjad_join_any(q, c); /* (v2, an Arabic-script query: names._join_adjacent's own test) */
        if (r) return r;
    }
    if (!(q->joined_bits & c->text_bits) && !(c->joined_bits & q->text_bits)) return 0; /* no text in common */
    for (int side = 0; side < 2; side++) {
        const View *a = side ? c : q, *b = side ? q : c;
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(a->joined); k++)
            for (Py_ssize_t t = 0; t < b->n; t++)
                if (text_eq(PyTuple_GET_ITEM(a->joined, k), b->texts[t])) return 1;
    }
    return 0;
}

typedef struct {
    double sim;
    int32_t i, j;
    PyObject *how; /* borrowed from HOW */
} Cand;

/* Python's sort of (-similarity, i, j): the most similar first, then by query token, then listed token */
static int cmp_cand(const void *a, const void *b) {
    const Cand *x = a, *y = b;
    if (x->sim != y->sim) return x->sim > y->sim ? -1 : 1;
    if (x->i != y->i) return x->i < y->i ? -1 : 1;
    return (x->j > y->j) - (x->j < y->j);
}

/* names._in_order_prefix: 1 when the query is the listed name's first words, the last one possibly cut */
static int in_order_prefix(View *q, View *c) {
    if (q->n < 2 || q->n >= c->n) return 0;
    Py_ssize_t letters = 0;
    for (Py_ssize_t k = 0; k < q->n; k++) {
        PyObject *a = q->texts[k], *b = c->texts[k];
        letters += q->lengths[k];
        if (PyUnicode_Compare(a, b) == 0) continue;
        if (PyErr_Occurred()) return -1;
        if (k == q->n - 1 && q->lengths[k] >= 1) {
            Py_ssize_t m = PyUnicode_Tailmatch(b, a, 0, PY_SSIZE_T_MAX, -1);
            if (m < 0) return -1;
            if (m) continue;
        }
        return 0;
    }
    if (!q->any_name || letters < 12) return 0;
    return 1;
}

/* the memo's row of qkey, made if new (the rows table doubles when half full) */
static Row *memo_row(Params *P, uint64_t qkey) {
    size_t i = (size_t)mix64(qkey) & P->rows_mask;
    while (P->rows[i].q && P->rows[i].q != qkey) i = (i + 1) & P->rows_mask;
    if (P->rows[i].q) return &P->rows[i];
    if ((size_t)(P->n_rows + 1) * 2 > P->rows_mask + 1) {
        size_t slots = (P->rows_mask + 1) * 2;
        Row *old = P->rows, *fresh = calloc(slots, sizeof(Row));
        if (!fresh) return (PyErr_NoMemory(), NULL);
        for (size_t k = 0; k <= P->rows_mask; k++)
            if (old[k].q) {
                size_t j = (size_t)mix64(old[k].q) & (slots - 1);
                while (fresh[j].q) j = (j + 1) & (slots - 1);
                fresh[j] = old[k];
            }
        free(old);
        P->rows = fresh;
        P->rows_mask = slots - 1;
        i = (size_t)mix64(qkey) & P->rows_mask;
        while (P->rows[i].q) i = (i + 1) & P->rows_mask;
    }
    Row *r = &P->rows[i];
    if (!(r->met = calloc(8, sizeof(Met)))) return (PyErr_NoMemory(), NULL);
    r->q = qkey;
    r->mask = 7;
    r->size = 0;
    P->n_rows++;
    return r;
}

/* the slot of listed text hash c in row r: where it is, or the free slot where it would go */
static Met *row_slot(const Row *r, uint64_t c) {
    size_t i = (size_t)(c ^ (c >> 29)) & r->mask;
    while (r->met[i].c && r->met[i].c != c) i = (i + 1) & r->mask;
    return &r->met[i];
}

/* room for one more pair in row r (it doubles when half full) */
static int row_room(Row *r) {
    if ((r->size + 1) * 2 <= r->mask + 1) return 0;
    size_t slots = ((size_t)r->mask + 1) * 2;
    Met *old = r->met;
    Row bigger = {r->q, r->size, (uint32_t)(slots - 1), calloc(slots, sizeof(Met))};
    if (!bigger.met) return (PyErr_NoMemory(), -1);
    for (size_t k = 0; k <= r->mask; k++)
        if (old[k].c) *row_slot(&bigger, old[k].c) = old[k];
    free(old);
    *r = bigger;
    return 0;
}

static double coverage(const double *w, const double *s, Py_ssize_t n) {
    double covered = 0.0, total = 0.0;
    for (Py_ssize_t k = 0; k < n; k++) covered += w[k] * s[k];
    for (Py_ssize_t k = 0; k < n; k++) total += w[k];
    return covered / (total != 0.0 ? total : 1.0);
}

/* names._token_weights: the role's weight, times the rarity (name words), halved for a patronymic */
static void weights(const Params *P, const View *v, double *w) {
    for (Py_ssize_t k = 0; k < v->n; k++)
        w[k] = P->role_weight[v->roles[k]] * (v->roles[k] == ROLE_NAME ? v->rarity[k] : 1.0) *
               (v->patronymic[k] ? P->patronymic_weight : 1.0);
}

/* --- names.token_similarity ---------------------------------------------------------------------- */

enum { H_NONE, H_EXACT, H_INITIAL, H_VARIANT, H_OCR, H_SKELETON, H_VOWELS, H_EDIT1, H_EDIT2, H_EDIT3, H_PHONETIC,
       H_ARABIC, H_PREFIX, N_HOW };
static PyObject *HOW[N_HOW]; /* how two tokens met, as names.token_similarity says it */

/* a token's letters as code points: in buf if they fit, else allocated (free with ucs_free) */
typedef struct {
    Py_UCS4 *s;
    Py_ssize_t n;
    Py_UCS4 buf[48];
} Ucs;

static int ucs_of(PyObject *text, Ucs *u) {
    u->n = PyUnicode_GET_LENGTH(text);
    u->s = u->n <= 48 ? u->buf : PyMem_Malloc((size_t)u->n * sizeof(Py_UCS4));
    if (!u->s) return (PyErr_NoMemory(), -1);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < u->n; i++) u->s[i] = PyUnicode_READ(kind, data, i);
    return 0;
}

static void ucs_free(Ucs *u) {
    if (u->s && u->s != u->buf) PyMem_Free(u->s);
    u->s = NULL;
}

static int vowel(Py_UCS4 ch) { return ch == 'a' || ch == 'e' || ch == 'i' || ch == 'o' || ch == 'u' || ch == 'y'; }

static int same(const Py_UCS4 *a, Py_ssize_t na, const Py_UCS4 *b, Py_ssize_t nb) {
    return na == nb && memcmp(a, b, (size_t)na * sizeof(Py_UCS4)) == 0;
}

/* rapidfuzz's OSA.distance (edits, and swaps of two adjacent letters), or Levenshtein.distance (no swaps),
 * or cap + 1 if it is more than cap (then it may stop early: the distance is at least the length difference,
 * and at least the smallest value of any row). -1 if out of memory. */
static Py_ssize_t edit_distance(const Py_UCS4 *a, Py_ssize_t na, const Py_UCS4 *b, Py_ssize_t nb, int swaps,
                                Py_ssize_t cap) {
    if ((na > nb ? na - nb : nb - na) > cap) return cap + 1;
    Py_ssize_t stack[3 * 49], *mem = (nb + 1) <= 49 ? stack : PyMem_Malloc(3 * (size_t)(nb + 1) * sizeof(Py_ssize_t));
    if (!mem) return -1;
    Py_ssize_t *prev2 = mem, *prev = mem + nb + 1, *cur = mem + 2 * (nb + 1);
    for (Py_ssize_t j = 0; j <= nb; j++) prev[j] = j;
    Py_ssize_t d = -2;
    for (Py_ssize_t i = 1; i <= na && d == -2; i++) {
        cur[0] = i;
        Py_ssize_t row_min = i;
        for (Py_ssize_t j = 1; j <= nb; j++) {
            Py_ssize_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            Py_ssize_t x = prev[j] + 1;
            if (cur[j - 1] + 1 < x) x = cur[j - 1] + 1;
            if (prev[j - 1] + cost < x) x = prev[j - 1] + cost;
            if (swaps && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < x)
                x = prev2[j - 2] + 1;
            cur[j] = x;
            if (x < row_min) row_min = x;
        }
        if (row_min > cap) d = cap + 1; /* (a row's smallest value never falls in the next rows) */
        Py_ssize_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    if (d == -2) d = prev[nb] > cap ? cap + 1 : prev[nb];
    if (mem != stack) PyMem_Free(mem);
    return d;
}

/* names._drops_vowels: short is long with some of its vowels left out */
static int drops_vowels(const Py_UCS4 *sh, Py_ssize_t ns, const Py_UCS4 *lg, Py_ssize_t nl) {
    if (ns >= nl || (!(ns > 0 && sh[0] == lg[0]) && !vowel(lg[0]))) return 0;
    Py_ssize_t i = 0;
    for (Py_ssize_t k = 0; k < nl; k++) {
        if (i < ns && lg[k] == sh[i])
            i++;
        else if (!vowel(lg[k]))
            return 0;
    }
    return i == ns;
}

/* whether text is one of the targets of names._join_adjacent: c's texts of 3 letters or more */
static int is_target(const View *c, PyObject *text) {
    for (Py_ssize_t j = 0; j < c->n; j++)
        if (c->lengths[j] >= 3 && text_eq(c->texts[j], text)) return 1;
    return 0;
}

/* whether the form s (n letters) meets a target: is one, or (4 letters or more) is one with vowels left out */
static int form_meets(const View *c, const Py_UCS4 *s, Py_ssize_t n) {
    for (Py_ssize_t j = 0; j < c->n; j++) {
        if (c->lengths[j] < 3) continue;
        PyObject *t = c->texts[j];
        int kind = PyUnicode_KIND(t);
        const void *data = PyUnicode_DATA(t);
        Py_ssize_t m = c->lengths[j];
        if (m == n) {
            Py_ssize_t k = 0;
            while (k < n && PyUnicode_READ(kind, data, k) == s[k]) k++;
            if (k == n) return 1;
        }
        if (n >= 4 && m > n) {
            Ucs u = {0};
            if (ucs_of(t, &u) < 0) return -1;
            int r = drops_vowels(s, n, u.s, u.n);
            ucs_free(&u);
            if (r) return 1;
        }
    }
    return 0;
}

/* names._join_adjacent(q, c, abjad=True) joins some two adjacent words of q: neither of them a target, and
 * written together (names._join_forms: as they are, or with the article "al"/"el" assimilated before a sun
 * letter) a target, or one with vowels left out. 1 or 0; -1 on an error. */
static int abjad_join_any(const View *q, const View *c) {
    for (Py_ssize_t i = 0; i + 1 < q->n; i++) {
        PyObject *x = q->texts[i], *y = q->texts[i + 1];
        if (is_target(c, x) || is_target(c, y)) continue;
        Ucs a = {0}, b = {0};
        if (ucs_of(x, &a) < 0 || ucs_of(y, &b) < 0) {
            ucs_free(&a);
            ucs_free(&b);
            return -1;
        }
        Py_ssize_t n = a.n + b.n;
        Py_UCS4 form_s[64], *form = n + 1 <= 64 ? form_s : PyMem_Malloc((size_t)(n + 1) * sizeof(Py_UCS4));
        int r = -1;
        if (!form) {
            PyErr_NoMemory();
        } else {
            memcpy(form, a.s, (size_t)a.n * sizeof(Py_UCS4));
            memcpy(form + a.n, b.s, (size_t)b.n * sizeof(Py_UCS4));
            r = form_meets(c, form, n);
            int article = a.n == 2 && (a.s[0] == 'a' || a.s[0] == 'e') && a.s[1] == 'l';
            Py_UCS4 y0 = b.n ? b.s[0] : 0;
            int sun = y0 == 't' || y0 == 'd' || y0 == 'r' || y0 == 'z' || y0 == 's' || y0 == 'n' || y0 == 'l';
            if (r == 0 && article && sun) {
                form[0] = b.s[0]; /* y[0] + y */
                memcpy(form + 1, b.s, (size_t)b.n * sizeof(Py_UCS4));
                r = form_meets(c, form, b.n + 1);
            }
        }
        if (form && form != form_s) PyMem_Free(form);
        ucs_free(&a);
        ucs_free(&b);
        if (r) return r;
    }
    return 0;
}

/* names._consonants_may_meet */
static int consonants_may_meet(const Ucs *q, const Ucs *c) {
    int q_article = q->n == 2 && (q->s[0] == 'a' || q->s[0] == 'e') && q->s[1] == 'l';
    int c_article = c->n == 2 && (c->s[0] == 'a' || c->s[0] == 'e') && c->s[1] == 'l';
    if (q_article && !c_article) return 0;
    if (vowel(q->s[0]) && !vowel(c->s[0])) return 0;
    int vowels = 0;
    for (Py_ssize_t i = 0; i < q->n; i++) vowels += q->s[i] != 'y' && vowel(q->s[i]);
    return vowels <= 1;
}

/* names._abjad_fold, in place: dh>d, th>t, z>d, w>v, q>k, one after the other */
static void abjad_fold(Py_UCS4 *s, Py_ssize_t *n) {
    static const char *from[] = {"dh", "th", "z", "w", "q"}, to[] = {'d', 't', 'd', 'v', 'k'};
    for (int r = 0; r < 5; r++) {
        Py_ssize_t m = 0, len = (Py_ssize_t)strlen(from[r]);
        for (Py_ssize_t i = 0; i < *n;) {
            if (i + len <= *n && s[i] == (Py_UCS4)from[r][0] && (len == 1 || s[i + 1] == (Py_UCS4)from[r][1])) {
                s[m++] = (Py_UCS4)to[r];
                i += len;
            } else {
                s[m++] = s[i++];
            }
        }
        *n = m;
    }
}

/* prepare.skeleton, in place: vowels dropped, doubled letters once; the first letter if nothing is left */
static void skeleton_of(Py_UCS4 *s, Py_ssize_t *n) {
    Py_UCS4 first = *n ? s[0] : 0;
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i < *n; i++) {
        if (vowel(s[i])) continue;
        if (!m || s[i] != s[m - 1]) s[m++] = s[i];
    }
    if (!m && *n) s[m++] = first;
    *n = m;
}

/* names._abjad_same */
static int abjad_same(const Ucs *q, const Ucs *c, int vowelless) {
    Py_UCS4 *a = PyMem_Malloc(((size_t)q->n + 1) * sizeof(Py_UCS4)), *b = PyMem_Malloc(((size_t)c->n + 1) * sizeof(Py_UCS4));
    int r = -1;
    if (!a || !b) {
        PyErr_NoMemory();
    } else {
        Py_ssize_t na = q->n, nb = c->n;
        memcpy(a, q->s, (size_t)na * sizeof(Py_UCS4));
        memcpy(b, c->s, (size_t)nb * sizeof(Py_UCS4));
        abjad_fold(a, &na);
        abjad_fold(b, &nb);
        if (same(a, na, b, nb) || drops_vowels(a, na, b, nb)) {
            r = 1;
        } else if (vowelless && na >= 3) {
            skeleton_of(a, &na);
            skeleton_of(b, &nb);
            r = same(a, na, b, nb);
        } else {
            r = 0;
        }
    }
    PyMem_Free(a);
    PyMem_Free(b);
    return r;
}

/* a == b for two strings (two equal strings have the same kind: Python keeps the narrowest) */
static int text_eq(PyObject *a, PyObject *b) {
    if (a == b) return 1;
    Py_ssize_t n = PyUnicode_GET_LENGTH(a);
    int kind = PyUnicode_KIND(a);
    return n == PyUnicode_GET_LENGTH(b) && kind == PyUnicode_KIND(b) &&
           memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)n * (size_t)kind) == 0;
}

/* names.token_similarity of query token a and listed token b: the similarity, and how (an index of HOW) */
static int similarity(const TokenParams *p, const Tok *a, PyObject *at, const Tok *b, PyObject *bt, int last,
                      int syllabic, int abjad, double *sim, int *how) {
    *sim = 0.0;
    *how = H_NONE;
    if (a->text_h == b->text_h && text_eq(at, bt)) return (*sim = p->exact, *how = H_EXACT, 0);
    Ucs q = {0}, c = {0};
    int r = 0;
    if (ucs_of(at, &q) < 0 || ucs_of(bt, &c) < 0) {
        r = -1;
        goto done;
    }
    if (q.n == 1 || c.n == 1) { /* an initial */
        if (q.n && c.n && q.s[0] == c.s[0]) *sim = p->initial, *how = H_INITIAL;
        goto done;
    }
    for (Py_ssize_t i = 0; (a->variant_bits & b->variant_bits) && i < PyTuple_GET_SIZE(a->variants); i++)
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(b->variants); j++)
            if (text_eq(PyTuple_GET_ITEM(a->variants, i), PyTuple_GET_ITEM(b->variants, j))) {
                *sim = p->variant, *how = H_VARIANT;
                goto done;
            }
    Py_ssize_t longest = q.n > c.n ? q.n : c.n, shortest = q.n < c.n ? q.n : c.n;
    if (syllabic && shortest <= 4) goto done;
    if (a->ocr_h == b->ocr_h && text_eq(a->ocr, b->ocr)) {
        *sim = p->ocr, *how = H_OCR;
        goto done;
    }
    /* consonant-only evidence */
    if ((a->vowelless || b->vowelless) && a->skeleton_h == b->skeleton_h && text_eq(a->skeleton, b->skeleton) &&
        PyUnicode_GET_LENGTH(a->skeleton) >= 2) {
        if (!p->strict_consonants || consonants_may_meet(&q, &c)) {
            *sim = PyUnicode_GET_LENGTH(a->skeleton) >= 3 ? p->skeleton_long : p->skeleton_short, *how = H_SKELETON;
            goto done;
        }
    } else if (q.n >= 2 && drops_vowels(q.s, q.n, c.s, c.n) && (!p->strict_consonants || consonants_may_meet(&q, &c))) {
        *sim = q.n >= 3 ? p->skeleton_long : p->skeleton_short, *how = H_VOWELS;
        goto done;
    }
    if (longest >= 6) {
        Py_ssize_t allowed = longest <= 8 ? 1 : longest <= 13 ? 2 : 3;
        Py_ssize_t d = edit_distance(q.s, q.n, c.s, c.n, 1, allowed);
        if (d < 0) {
            r = (PyErr_NoMemory(), -1);
            goto done;
        }
        if (d <= allowed) {
            *sim = 1.0 - p->edit_cost * (double)d / (double)longest, *how = H_EDIT1 + (int)d - 1;
            goto done;
        }
    } else if (shortest >= 2) {
        Py_ssize_t d = edit_distance(q.s, q.n, c.s, c.n, 1, 1);
        if (d < 0) {
            r = (PyErr_NoMemory(), -1);
            goto done;
        }
        if (d <= 1) {
            *sim = longest >= 4 ? p->short_edit : p->tiny_edit, *how = H_EDIT1;
            goto done;
        }
    }
    if (PyUnicode_GET_LENGTH(a->phonetic) > 0 && a->phonetic_h == b->phonetic_h && text_eq(a->phonetic, b->phonetic) &&
        shortest >= 4) {
        /* the most letters that may differ (the test below falls as the distance grows) */
        Py_ssize_t most = longest;
        while (most > 0 && !(1.0 - (double)most / (double)longest >= p->phonetic_min_similarity)) most--;
        Py_ssize_t d = edit_distance(q.s, q.n, c.s, c.n, 0, most);
        if (d < 0) {
            r = (PyErr_NoMemory(), -1);
            goto done;
        }
        double letters = 1.0 - (double)d / (double)longest; /* Levenshtein.normalized_similarity */
        if (letters >= p->phonetic_min_similarity) {
            *sim = p->phonetic + p->phonetic_spread * letters, *how = H_PHONETIC;
            goto done;
        }
    }
    if (abjad && p->abjad_letters != 0.0 && q.n >= 3 && (!p->strict_consonants || consonants_may_meet(&q, &c))) {
        int same_letters = abjad_same(&q, &c, a->vowelless || b->vowelless);
        if (same_letters < 0) {
            r = -1;
            goto done;
        }
        if (same_letters) {
            *sim = p->abjad_letters, *how = H_ARABIC;
            goto done;
        }
    }
    if ((q.n >= 3 || (last && q.n >= 2)) && q.n < c.n && memcmp(c.s, q.s, (size_t)q.n * sizeof(Py_UCS4)) == 0)
        *sim = p->prefix, *how = H_PREFIX;
done:
    ucs_free(&q);
    ucs_free(&c);
    return r;
}

/* how query token i (its memo row) met listed token j: similarity and HOW index, from the row or
 * token_similarity */
static int met_of(Params *P, Row *row, View *q, Py_ssize_t i, View *c, Py_ssize_t j, int last, int syllabic,
                  int letters, double *sim, int *how) {
    uint64_t key = c->hashes[j] ? c->hashes[j] : 1;
    Met *m = row_slot(row, key);
    if (m->c) {
        *sim = m->sim, *how = m->how;
        return 0;
    }
    if (similarity(&P->t, &q->toks[i], q->texts[i], &c->toks[j], c->texts[j], last, syllabic, letters, sim, how) < 0)
        return -1;
    if (row_room(row) < 0) return -1;
    *row_slot(row, key) = (Met){key, *sim > 0 ? *sim : 0.0, *sim > 0 ? *how : H_NONE};
    row->size++;
    P->size++;
    return 0;
}

/* similarity(params, query view, i, listed view, j, last, syllabic, abjad) -> (similarity, how), as
 * names.token_similarity(query token i, listed token j, ...): for tests */
static PyObject *similarity_of(PyObject *mod, PyObject *args) {
    Params *P;
    View *q, *c;
    Py_ssize_t i, j;
    int last, syllabic, abjad;
    if (!PyArg_ParseTuple(args, "O!O!nO!nppp", &ParamsType, &P, ViewType, &q, &i, ViewType, &c, &j, &last,
                          &syllabic, &abjad))
        return NULL;
    if (!P->ready || i < 0 || i >= q->n || j < 0 || j >= c->n) {
        PyErr_SetString(PyExc_IndexError, "similarity: no such token (or Params not initialised)");
        return NULL;
    }
    double sim;
    int how;
    if (similarity(&P->t, &q->toks[i], q->texts[i], &c->toks[j], c->texts[j], last, syllabic, abjad, &sim, &how) < 0)
        return NULL;
    return Py_BuildValue("(dO)", sim, HOW[how]);
}

/* The score of views q and c (each of one token or more) into *out; explained: *explained is
 * (score, query coverage, listed coverage, pairs). 1 where may_join and adjacent words may be read as one
 * (nothing is scored), 0 when scored, -1 on an error. */
static int score_views(Params *P, View *q, View *c, int person, double at_least, int explain, int may_join,
                       double *out, PyObject **explained) {
    Py_ssize_t nq = q->n, nc = c->n;
    if (may_join) {
        int j = joins(P, q, c);
        if (j) return j < 0 ? -1 : 1; /* names._compare reads them */
    }
    int status = -1;

    /* work arrays: candidates (nq x nc at most), per token similarities and weights, used flags */
    size_t cells = (size_t)nq * (size_t)nc;
    /* names of up to SMALL tokens (nearly all) work on the stack */
    enum { SMALL = 16 };
    Cand cands_s[SMALL * SMALL];
    double q_sim_s[SMALL] = {0}, c_sim_s[SMALL] = {0}, qw_s[SMALL], cw_s[SMALL];
    unsigned char used_q_s[SMALL] = {0}, used_c_s[SMALL] = {0};
    int small = nq <= SMALL && nc <= SMALL;
    Cand *cands = small ? cands_s : malloc(cells * sizeof(Cand));
    double *q_sim = small ? q_sim_s : calloc((size_t)nq, sizeof(double));
    double *c_sim = small ? c_sim_s : calloc((size_t)nc, sizeof(double));
    double *qw = small ? qw_s : malloc((size_t)nq * sizeof(double));
    double *cw = small ? cw_s : malloc((size_t)nc * sizeof(double));
    unsigned char *used_q = small ? used_q_s : calloc((size_t)nq, 1);
    unsigned char *used_c = small ? used_c_s : calloc((size_t)nc, 1);
    PyObject *pairs = NULL;
    if (!cands || !q_sim || !c_sim || !qw || !cw || !used_q || !used_c) {
        PyErr_NoMemory();
        goto done;
    }
    int syllabic = q->syllabic || c->syllabic;
    int letters = P->letters && (q->abjad || c->abjad);
    if (P->size > P->max) memo_clear(P);
    int flags = (syllabic ? 2 : 0) | (letters ? 4 : 0);
    Py_ssize_t n_cands = 0;
    int legal_hit = 0; /* a query name word may meet a listed legal-form word: no bound */
    for (Py_ssize_t i = 0; i < nq; i++) {
        int last = i == nq - 1;
        Row *row = memo_row(P, memo_qkey(q->hashes[i], flags | (last ? 1 : 0)));
        if (!row) goto done;
        for (Py_ssize_t j = 0; j < nc; j++) {
            double sim;
            int how;
            if (met_of(P, row, q, i, c, j, last, syllabic, letters, &sim, &how) < 0) goto done;
            if (sim > 0) {
                cands[n_cands++] = (Cand){sim, (int32_t)i, (int32_t)j, HOW[how]};
                if (c->roles[j] != ROLE_NAME && q->roles[i] == ROLE_NAME) legal_hit = 1;
            }
        }
    }
    int prefix = in_order_prefix(q, c);
    if (prefix < 0) goto done;
    weights(P, q, qw);
    weights(P, c, cw);
    double share = person ? P->query_weight_person : P->query_weight_other;
    if (at_least > 0.0) { /* names._upper_bound: every word met at its best, no penalty */
        double bound = INFINITY;
        if (!legal_hit) {
            for (Py_ssize_t k = 0; k < n_cands; k++) {
                Cand *x = &cands[k];
                if (x->sim > q_sim[x->i]) q_sim[x->i] = x->sim;
                if (x->sim > c_sim[x->j]) c_sim[x->j] = x->sim;
            }
            double q_cov = coverage(qw, q_sim, nq), c_cov = coverage(cw, c_sim, nc);
            bound = share * q_cov + (1 - share) * c_cov;
            if (person && (P->subset_syllabic || !syllabic) && P->subset_factor * c_cov > bound)
                bound = P->subset_factor * c_cov;
            if (prefix && P->cut_name > bound) bound = P->cut_name;
        }
        if (bound + 1e-9 < at_least) {
            *out = bound;
            status = 0;
            goto done;
        }
        memset(q_sim, 0, (size_t)nq * sizeof(double));
        memset(c_sim, 0, (size_t)nc * sizeof(double));
    }
    qsort(cands, (size_t)n_cands, sizeof(Cand), cmp_cand); /* best first; each token paired once */
    if (explain && !(pairs = PyList_New(0))) goto done;
    int name_pair = 0;
    Py_ssize_t found = 0, found_letters = 0;
    double found_min = INFINITY;
    for (Py_ssize_t k = 0; k < n_cands; k++) {
        Cand *x = &cands[k];
        if (used_q[x->i] || used_c[x->j]) continue;
        used_q[x->i] = used_c[x->j] = 1;
        q_sim[x->i] = x->sim;
        c_sim[x->j] = x->sim;
        unsigned char qr = q->roles[x->i], cr = c->roles[x->j];
        if (cr != ROLE_NAME && qr == ROLE_NAME && cw[x->j] < qw[x->i])
            qw[x->i] = cw[x->j]; /* a query word matched to a listed legal-form word weighs no more */
        if (qr == ROLE_NAME || cr == ROLE_NAME) name_pair = 1;
        if (cr == ROLE_NAME) { /* listed name words found (for the subset rule) */
            found++;
            found_letters += c->lengths[x->j];
            if (x->sim < found_min) found_min = x->sim;
        }
        if (explain) {
            PyObject *pair = Py_BuildValue("(iidO)", x->i, x->j, x->sim, x->how);
            int r = pair ? PyList_Append(pairs, pair) : -1;
            Py_XDECREF(pair);
            if (r < 0) goto done;
        }
    }
    double q_total = 0.0, c_total = 0.0;
    for (Py_ssize_t i = 0; i < nq; i++) q_total += qw[i];
    for (Py_ssize_t j = 0; j < nc; j++) c_total += cw[j];
    if (q_total == 0.0) q_total = 1.0;
    if (c_total == 0.0) c_total = 1.0;
    double q_cov = coverage(qw, q_sim, nq), c_cov = coverage(cw, c_sim, nc);
    if (!q->any_name || !name_pair) q_cov *= 0.5; /* nothing but legal-form words and particles */
    double s = share * q_cov + (1 - share) * c_cov;
    /* words one side has and the other lacks: evidence of a different party */
    double uq = 0.0, uc = 0.0;
    for (Py_ssize_t i = 0; i < nq; i++)
        if (!used_q[i] && q->roles[i] == ROLE_NAME && !q->patronymic[i]) uq += qw[i];
    for (Py_ssize_t j = 0; j < nc; j++)
        if (!used_c[j] && c->roles[j] == ROLE_NAME) uc += cw[j];
    uq /= q_total;
    uc /= c_total;
    if (person) {
        if (uc == 0 && found >= 2 && found_letters >= P->subset_min_letters && found_min >= P->subset_min_similarity &&
            (P->subset_syllabic || !syllabic) && P->subset_factor * c_cov > s)
            s = P->subset_factor * c_cov;
        s -= P->conflict_penalty * (uc < uq ? uc : uq);
    } else {
        s -= P->extra_word_penalty * uq;
    }
    int lq = 0, lc = 0;
    for (Py_ssize_t i = 0; i < nq; i++)
        if (!used_q[i] && q->roles[i] == ROLE_LEGAL) lq = 1;
    for (Py_ssize_t j = 0; j < nc; j++)
        if (!used_c[j] && c->roles[j] == ROLE_LEGAL) lc = 1;
    if (lq && lc) s -= P->legal_conflict_penalty;
    if (prefix && P->cut_name > s) s = P->cut_name;
    if (s <= 0.0) s = 0.0;
    *out = s;
    if (explain && !(*explained = Py_BuildValue("(dddN)", s, q_cov, c_cov, PyList_AsTuple(pairs)))) goto done;
    status = 0;
done:
    Py_XDECREF(pairs);
    if (!small) {
        free(cands);
        free(q_sim);
        free(c_sim);
        free(qw);
        free(cw);
        free(used_q);
        free(used_c);
    }
    return status;
}

static PyObject *score(PyObject *mod, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 9) {
        PyErr_SetString(PyExc_TypeError, "score: expected 9 arguments");
        return NULL;
    }
    int unchecked = args[3] == Py_None && args[4] == Py_None; /* (the views alone: see the module's doc) */
    if (!PyObject_TypeCheck(args[0], &ParamsType) || !PyObject_TypeCheck(args[1], ViewType) ||
        !PyObject_TypeCheck(args[2], ViewType) || (!unchecked && (!PyTuple_Check(args[3]) || !PyTuple_Check(args[4])))) {
        PyErr_SetString(PyExc_TypeError,
                        "score: expected (Params, View, View, tuple, tuple (or None, None), bool, float, bool, bool)");
        return NULL;
    }
    Params *P = (Params *)args[0];
    View *q = (View *)args[1], *c = (View *)args[2];
    PyObject *qtokens = args[3], *ctokens = args[4];
    int person = PyObject_IsTrue(args[5]);
    double at_least = PyFloat_AsDouble(args[6]);
    int explain = PyObject_IsTrue(args[7]), may_join = PyObject_IsTrue(args[8]);
    if (person < 0 || explain < 0 || may_join < 0 || (at_least == -1.0 && PyErr_Occurred())) return NULL;
    if (!P->ready) {
        PyErr_SetString(PyExc_RuntimeError, "score: Params not initialised");
        return NULL;
    }
    Py_ssize_t nq = q->n, nc = c->n;
    if (unchecked) {
        if (!nq || !nc) return PyFloat_FromDouble(0.0);
    } else if (PyTuple_GET_SIZE(qtokens) != nq || PyTuple_GET_SIZE(ctokens) != nc) {
        PyErr_SetString(PyExc_ValueError, "score: the tokens and the views differ in length");
        return NULL;
    }
    if (!nq || !nc) {
        PyErr_SetString(PyExc_ValueError, "score: a name without tokens");
        return NULL;
    }
    double s;
    PyObject *explained = NULL;
    int r = score_views(P, q, c, person, at_least, explain, may_join, &s, &explained);
    if (r < 0) return NULL;
    if (r > 0) Py_RETURN_NONE;
    return explain ? explained : PyFloat_FromDouble(s);
}

/* The best of score(params, q, views[id], None, None, person, need / factor if need > 0 else 0, False, True)
 * * factor over the query views q and the name ids (factor: factors.get(kinds[id], 1.0), times read for a
 * query view n >= own where own >= 0: a name read off the query's own), as algorithm._score_entity ranks one
 * candidate's names: the first best, by query view n then place k in ids (-1.0, -1, -1 for none). 1 where a
 * view is None or a score would be None (adjacent words may be read as one: the caller asks _score_entity),
 * 0 when scored, -1 on an error. */
static int best_of(Params *P, PyObject *qviews, PyObject *ids, PyObject *views, PyObject *kinds, PyObject *factors,
                   int person, double need, Py_ssize_t own, double read, double *value, Py_ssize_t *best_n,
                   Py_ssize_t *best_k) {
    Py_ssize_t n_views = PyList_GET_SIZE(views), n_kinds = PyList_GET_SIZE(kinds), n_ids = PyTuple_GET_SIZE(ids);
    *value = -1.0;
    *best_n = *best_k = -1;
    for (Py_ssize_t n = 0; n < PyList_GET_SIZE(qviews); n++) {
        PyObject *qo = PyList_GET_ITEM(qviews, n);
        if (!PyObject_TypeCheck(qo, ViewType)) {
            PyErr_SetString(PyExc_TypeError, "best_many: a query view is not a View");
            return -1;
        }
        View *q = (View *)qo;
        for (Py_ssize_t k = 0; k < n_ids; k++) {
            Py_ssize_t id = PyLong_AsSsize_t(PyTuple_GET_ITEM(ids, k));
            if (id == -1 && PyErr_Occurred()) return -1;
            if (id < 0 || id >= n_views || id >= n_kinds) {
                PyErr_SetString(PyExc_IndexError, "best_many: a name id out of range");
                return -1;
            }
            PyObject *co = PyList_GET_ITEM(views, id);
            if (co == Py_None) return 1;
            if (!PyObject_TypeCheck(co, ViewType)) {
                PyErr_SetString(PyExc_TypeError, "best_many: a view is not a View");
                return -1;
            }
            View *c = (View *)co;
            PyObject *f = PyDict_GetItemWithError(factors, PyList_GET_ITEM(kinds, id));
            double factor = 1.0;
            if (f) {
                factor = PyFloat_AsDouble(f);
                if (factor == -1.0 && PyErr_Occurred()) return -1;
            } else if (PyErr_Occurred()) {
                return -1;
            }
            if (own >= 0 && n >= own) factor *= read; /* (kind x read, in _score_entity's order) */
            double at_least = need > 0 ? need / factor : 0.0, s = 0.0;
            /* a pair whose upper bound is below the best so far cannot replace it (only a greater value
             * does): it is not scored in full, and its bound, times its factor, stays below the best */
            if (*value > 0.0 && *value / factor > at_least) at_least = *value / factor;
            if (q->n && c->n) {
                int r = score_views(P, q, c, person, at_least, 0, 1, &s, NULL);
                if (r != 0) return r;
            }
            double v = s * factor;
            if (v > *value) {
                *value = v;
                *best_n = n;
                *best_k = k;
            }
        }
    }
    return 0;
}

static int best_args(PyObject *const *args, Params **P) {
    if (!PyObject_TypeCheck(args[0], &ParamsType) || !PyList_Check(args[1]) || !PyList_Check(args[3]) ||
        !PyList_Check(args[4]) || !PyDict_Check(args[5])) {
        PyErr_SetString(PyExc_TypeError, "best_many: expected Params, a list of query views, views, kinds and a dict");
        return -1;
    }
    *P = (Params *)args[0];
    if (!(*P)->ready) {
        PyErr_SetString(PyExc_RuntimeError, "best_many: Params not initialised");
        return -1;
    }
    return 0;
}

/* best_many(params, query views, candidates, views, kinds, factors, schemas, person, need, keep[, own, read])
 *   -> (found, declined): best_of for each candidate (entity, name ids) of the list, person where
 *   schemas[entity] equals the str person; found: (i, value, n, k) for the i-th candidate where
 *   max(0, value) >= keep; declined: the i where best_of declines. own, read: the query views from own on
 *   (own >= 0) were read off the query's own names, and count read times their score (-1, 1.0 if not given:
 *   all the query's own). */
static PyObject *best_many(PyObject *mod, PyObject *const *args, Py_ssize_t nargs) {
    Params *P;
    if (nargs != 10 && nargs != 12) {
        PyErr_SetString(PyExc_TypeError, "best_many: expected 10 or 12 arguments");
        return NULL;
    }
    if (best_args(args, &P) < 0) return NULL;
    PyObject *cands = args[2], *schemas = args[6], *person_schema = args[7];
    if (!PyList_Check(cands) || !PyList_Check(schemas) || !PyUnicode_Check(person_schema)) {
        PyErr_SetString(PyExc_TypeError, "best_many: expected a list of candidates, a list of schemas, a str");
        return NULL;
    }
    double need = PyFloat_AsDouble(args[8]), keep = PyFloat_AsDouble(args[9]), read = 1.0;
    if ((need == -1.0 || keep == -1.0) && PyErr_Occurred()) return NULL;
    Py_ssize_t own = -1;
    if (nargs == 12) {
        own = PyLong_AsSsize_t(args[10]);
        if (own == -1 && PyErr_Occurred()) return NULL;
        read = PyFloat_AsDouble(args[11]);
        if (read == -1.0 && PyErr_Occurred()) return NULL;
    }
    PyObject *found = PyList_New(0), *declined = PyList_New(0);
    if (!found || !declined) goto fail;
    Py_ssize_t n_schemas = PyList_GET_SIZE(schemas);
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(cands); i++) {
        PyObject *cand = PyList_GET_ITEM(cands, i);
        if (!PyTuple_Check(cand) || PyTuple_GET_SIZE(cand) != 2 || !PyTuple_Check(PyTuple_GET_ITEM(cand, 1))) {
            PyErr_SetString(PyExc_TypeError, "best_many: a candidate is not (entity, tuple of name ids)");
            goto fail;
        }
        Py_ssize_t e = PyLong_AsSsize_t(PyTuple_GET_ITEM(cand, 0));
        if (e == -1 && PyErr_Occurred()) goto fail;
        if (e < 0 || e >= n_schemas) {
            PyErr_SetString(PyExc_IndexError, "best_many: an entity out of range");
            goto fail;
        }
        PyObject *schema = PyList_GET_ITEM(schemas, e);
        int person = schema == person_schema;
        if (!person && PyUnicode_Check(schema)) person = PyUnicode_Compare(schema, person_schema) == 0;
        double value;
        Py_ssize_t n, k;
        int r = best_of(P, args[1], PyTuple_GET_ITEM(cand, 1), args[3], args[4], args[5], person, need, own, read,
                        &value, &n, &k);
        if (r < 0) goto fail;
        PyObject *item = NULL;
        if (r > 0) {
            item = PyLong_FromSsize_t(i);
            if (!item || PyList_Append(declined, item) < 0) goto item_fail;
        } else if ((value > 0.0 ? value : 0.0) >= keep) {
            item = Py_BuildValue("(ndnn)", i, value, n, k);
            if (!item || PyList_Append(found, item) < 0) goto item_fail;
        }
        Py_XDECREF(item);
        continue;
    item_fail:
        Py_XDECREF(item);
        goto fail;
    }
    return Py_BuildValue("(NN)", found, declined);
fail:
    Py_XDECREF(found);
    Py_XDECREF(declined);
    return NULL;
}

static PyMethodDef methods[] = {
    {"score", (PyCFunction)(void (*)(void))score, METH_FASTCALL, "The score of two names (see the module's source)."},
    {"best_many", (PyCFunction)(void (*)(void))best_many, METH_FASTCALL, "best of each candidate (see above)."},
    {"similarity", similarity_of, METH_VARARGS, "How two tokens of two views meet (see the module's source)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "embargo.match._align", NULL, -1, methods};

PyMODINIT_FUNC PyInit__align(void) {
    if (PyType_Ready(&ParamsType) < 0) return NULL;
    PyObject *views = PyImport_ImportModule("embargo.names._view");
    if (!views) return NULL;
    PyObject *view_type = PyObject_GetAttrString(views, "View");
    Py_DECREF(views);
    if (!view_type) return NULL;
    if (!PyType_Check(view_type)) {
        Py_DECREF(view_type);
        PyErr_SetString(PyExc_TypeError, "embargo.names._view.View is not a type");
        return NULL;
    }
    ViewType = (PyTypeObject *)view_type; /* held for the life of the process */
    static const char *hows[N_HOW] = {"", "exact", "initial", "variant", "ocr", "skeleton", "vowels dropped",
                                      "edit1", "edit2", "edit3", "phonetic", "arabic letters", "prefix"};
    for (int k = 0; k < N_HOW; k++)
        if (!(HOW[k] = PyUnicode_InternFromString(hows[k]))) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&ParamsType);
    if (PyModule_AddObject(m, "Params", (PyObject *)&ParamsType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
