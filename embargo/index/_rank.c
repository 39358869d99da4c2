/* Candidate ranking of EntityIndex.candidate_names in C: the arithmetic of EntityIndex._rank (numpy),
 * in the same order, one vote at a time. A query's votes number hundreds to thousands; numpy spends
 * more on its ~40 calls than on the work. tests/index checks that both give the same candidates.
 *
 * rank(scratch, voting, initials, sizes, limit, keep_ratio) -> [(entity, (name, ...)), ...]
 *   scratch:  a Scratch(n_entities) kept by the index (the GIL is held throughout: one call at a time)
 *   voting:   [(per_token, bits, divisor), ...] per query name, where per_token is a list of
 *             (ents int32, weights float64, names int32) numpy arrays, bits the letter masks of the
 *             name's initials and legal-form words, divisor a float64 numpy array by listed name size
 *   initials: uint32 per name (a bit per first letter); sizes: int16 per name (its name words)
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "_arrays.h"

/* what ranking keeps of one entity: in one 32-byte record (two to a cache line), since votes land on
 * entities in no order that a cache could foresee, and each entity's fields are read together */
typedef struct {
    double votes;       /* this name's votes */
    double best;        /* its best name's score */
    int32_t name_of;    /* the name of its last-counted vote */
    uint32_t name_gen;  /* votes and name_of are this name's if name_gen is the name's stamp */
    uint32_t query_gen; /* best and chosen_at are this query's if query_gen is its stamp */
    int32_t chosen_at;  /* its place among the chosen + 1 */
} Ent;

enum { AHEAD = 16 }; /* votes ahead whose entity's record is fetched (see rank) */

typedef struct {
    PyObject_HEAD
    Py_ssize_t n;
    Ent *ents; /* per entity */
    uint32_t name_counter;
    uint32_t query_counter;
} Scratch;

static void scratch_dealloc(Scratch *self) {
    free(self->ents);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int scratch_init(Scratch *self, PyObject *args, PyObject *kw) {
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "n", &n)) return -1;
    if (n < 0) n = 0;
    size_t m = (size_t)n + 1;
    self->n = n;
    size_t bytes = (m * sizeof(Ent) + 63) / 64 * 64;
    self->ents = aligned_alloc(64, bytes);
    if (!self->ents) {
        PyErr_NoMemory();
        return -1;
    }
    memset(self->ents, 0, bytes);
    self->name_counter = 0;
    self->query_counter = 0;
    return 0;
}

static PyTypeObject ScratchType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "embargo.index._rank.Scratch",
    .tp_basicsize = sizeof(Scratch),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)scratch_init,
    .tp_dealloc = (destructor)scratch_dealloc,
    .tp_doc = "Per-entity work arrays of one index (see rank).",
};

/* a growable array of int32 */
typedef struct {
    int32_t *v;
    Py_ssize_t len, cap;
} IntVec;

static inline int vec_push(IntVec *a, int32_t x) {
    if (a->len == a->cap) {
        Py_ssize_t cap = a->cap ? a->cap * 2 : 256;
        int32_t *v = realloc(a->v, (size_t)cap * sizeof(int32_t));
        if (!v) return -1;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->len++] = x;
    return 0;
}

/* a buffer with the element format and size asked for */
static int get_buf(PyObject *obj, Py_buffer *view, char fmt, Py_ssize_t itemsize, const char *what) {
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    const char *f = view->format ? view->format : "B";
    if (*f == '<' || *f == '=' || *f == '@') f++;
    int ok = view->itemsize == itemsize && view->ndim <= 1 &&
             (f[0] == fmt || (itemsize == 8 && fmt == 'q' && f[0] == 'l') || (itemsize == 4 && fmt == 'i' && f[0] == 'l' && sizeof(long) == 4)) &&
             f[1] == '\0';
    if (!ok) {
        PyErr_Format(PyExc_TypeError, "%s: expected a contiguous array of '%c' (%zd bytes), got '%s' (%zd bytes)",
                     what, fmt, itemsize, view->format ? view->format : "B", view->itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

typedef struct {
    double score;
    int32_t ent;
} Cand;

/* a before b: a higher score, then a lower entity */
static int better(const Cand *a, const Cand *b) {
    return a->score > b->score || (a->score == b->score && a->ent < b->ent);
}

static int cmp_int32(const void *a, const void *b) {
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static PyObject *rank(PyObject *mod, PyObject *args) {
    Scratch *s;
    PyObject *voting, *initials_obj, *sizes_obj;
    Py_ssize_t limit;
    double keep_ratio;
    if (!PyArg_ParseTuple(args, "O!O!OOnd", &ScratchType, &s, &PyList_Type, &voting, &initials_obj, &sizes_obj,
                          &limit, &keep_ratio))
        return NULL;
    if (limit <= 0) return PyList_New(0);

    Py_buffer ib, sb;
    if (get_buf(initials_obj, &ib, 'I', 4, "initials") < 0) return NULL;
    if (get_buf(sizes_obj, &sb, 'h', 2, "sizes") < 0) {
        PyBuffer_Release(&ib);
        return NULL;
    }
    const uint32_t *initials = ib.buf;
    const int16_t *sizes = sb.buf;
    Py_ssize_t n_names = ib.len / 4;
    if (sb.len / 2 < n_names) n_names = sb.len / 2;

    PyObject *result = NULL;
    IntVec touched_name = {0}, touched_query = {0};
    Cand *top = NULL;
    IntVec *voted = NULL;
    Py_ssize_t n_top = 0;

    if (++s->query_counter == 0) { /* wrapped: forget every stamp */
        for (Py_ssize_t e = 0; e <= s->n; e++) s->ents[e].query_gen = 0;
        s->query_counter = 1;
    }
    uint32_t qgen = s->query_counter;
    Py_ssize_t n_voting = PyList_GET_SIZE(voting);

    for (Py_ssize_t k = 0; k < n_voting; k++) {
        PyObject *item = PyList_GET_ITEM(voting, k);
        PyObject *per_token, *bits, *divisor_obj;
        if (!PyTuple_Check(item)) {
            PyErr_SetString(PyExc_TypeError, "voting: (per_token, bits, divisor) tuples expected");
            goto done;
        }
        if (!PyArg_ParseTuple(item, "O!O!O", &PyList_Type, &per_token, &PyList_Type, &bits, &divisor_obj)) goto done;
        if (++s->name_counter == 0) {
            for (Py_ssize_t e = 0; e <= s->n; e++) s->ents[e].name_gen = 0;
            s->name_counter = 1;
        }
        uint32_t ngen = s->name_counter;
        touched_name.len = 0;
        /* the votes of each token, in voting order */
        for (Py_ssize_t t = 0; t < PyList_GET_SIZE(per_token); t++) {
            PyObject *tok = PyList_GET_ITEM(per_token, t);
            if (!PyTuple_Check(tok) || PyTuple_GET_SIZE(tok) != 3) {
                PyErr_SetString(PyExc_TypeError, "per_token: (ents, weights, names) tuples expected");
                goto done;
            }
            const int32_t *ents, *nids;
            const double *ws;
            Py_ssize_t m, mw, mn;
            if (np_array(PyTuple_GET_ITEM(tok, 0), NPY_INT32, "ents", (const void **)&ents, &m) < 0 ||
                np_array(PyTuple_GET_ITEM(tok, 1), NPY_FLOAT64, "weights", (const void **)&ws, &mw) < 0 ||
                np_array(PyTuple_GET_ITEM(tok, 2), NPY_INT32, "names", (const void **)&nids, &mn) < 0)
                goto done;
            int bad = mw != m || mn != m;
            for (Py_ssize_t i = 0; i < m && !bad; i++) {
                int32_t e = ents[i];
                /* the record of the entity AHEAD votes on: its cache line is on its way when its turn comes
                 * (votes land on entities in no order a cache foresees: waiting for each was most of rank) */
                if (i + AHEAD < m && (uint32_t)ents[i + AHEAD] < (uint32_t)s->n) __builtin_prefetch(&s->ents[ents[i + AHEAD]], 1);
                if (e < 0 || e >= s->n || nids[i] < 0 || nids[i] >= n_names) {
                    bad = 1;
                    break;
                }
                if (s->ents[e].name_gen != ngen) {
                    s->ents[e].name_gen = ngen;
                    s->ents[e].votes = 0.0;
                    if (vec_push(&touched_name, e) < 0) {
                        bad = 2;
                        break;
                    }
                }
                s->ents[e].votes += ws[i];
                s->ents[e].name_of = nids[i];
            }
            if (bad == 2) {
                PyErr_NoMemory();
                goto done;
            }
            if (bad) {
                PyErr_SetString(PyExc_ValueError, "votes: arrays of unequal length, or an entity or name out of range");
                goto done;
            }
        }
        /* the query's initials, then the listed name's extra words */
        Py_ssize_t n_bits = PyList_GET_SIZE(bits);
        if (n_bits > 64) {
            PyErr_SetString(PyExc_ValueError, "bits: more than 64 initials and legal-form words in one name");
            goto done;
        }
        int64_t bitv[64];
        for (Py_ssize_t b = 0; b < n_bits; b++) {
            bitv[b] = PyLong_AsLongLong(PyList_GET_ITEM(bits, b));
            if (bitv[b] == -1 && PyErr_Occurred()) goto done;
        }
        const double *div;
        Py_ssize_t n_div;
        if (np_array(divisor_obj, NPY_FLOAT64, "divisor", (const void **)&div, &n_div) < 0) goto done;
        for (Py_ssize_t i = 0; i < touched_name.len; i++) {
            int32_t e = touched_name.v[i];
            if (i + AHEAD < touched_name.len) { /* (its name's size and letter mask, as above) */
                int32_t ahead = s->ents[touched_name.v[i + AHEAD]].name_of;
                if (ahead >= 0 && ahead < n_names) {
                    __builtin_prefetch(&sizes[ahead]);
                    if (n_bits) __builtin_prefetch(&initials[ahead]);
                }
            }
            int32_t nid = s->ents[e].name_of;
            double v = s->ents[e].votes;
            if (n_bits) { /* (most names have no initials: their letter masks stay out of the cache) */
                int64_t mask = (int64_t)initials[nid];
                for (Py_ssize_t b = 0; b < n_bits; b++) v = v + ((mask & bitv[b]) != 0 ? 0.5 : 0.0);
            }
            int16_t size = sizes[nid];
            if (size < 0 || size >= n_div) {
                PyErr_SetString(PyExc_ValueError, "divisor: a name longer than the table");
                goto done;
            }
            v = v / div[size];
            if (s->ents[e].query_gen != qgen) {
                s->ents[e].query_gen = qgen;
                s->ents[e].best = v;
                if (vec_push(&touched_query, e) < 0) {
                    PyErr_NoMemory();
                    goto done;
                }
            } else if (v > s->ents[e].best) {
                s->ents[e].best = v;
            }
        }
    }

    /* the limit best: higher score, then lower entity; kept in order by insertion */
    top = malloc((size_t)(limit + 1) * sizeof(Cand));
    if (!top) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < touched_query.len; i++) {
        Cand c = {s->ents[touched_query.v[i]].best, touched_query.v[i]};
        if (n_top == limit && !better(&c, &top[n_top - 1])) continue;
        Py_ssize_t j = n_top < limit ? n_top++ : n_top - 1;
        while (j > 0 && better(&c, &top[j - 1])) {
            top[j] = top[j - 1];
            j--;
        }
        top[j] = c;
    }
    if (keep_ratio > 0 && n_top > 0) {
        double floor = top[0].score * keep_ratio;
        Py_ssize_t kept = 0;
        while (kept < n_top && top[kept].score >= floor) kept++;
        n_top = kept;
    }
    /* the names of each chosen entity that voted */
    voted = calloc((size_t)(n_top ? n_top : 1), sizeof(IntVec));
    if (!voted) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n_top; i++) s->ents[top[i].ent].chosen_at = (int32_t)(i + 1);
    for (Py_ssize_t k = 0; k < n_voting && n_top; k++) {
        PyObject *per_token = PyTuple_GET_ITEM(PyList_GET_ITEM(voting, k), 0);
        for (Py_ssize_t t = 0; t < PyList_GET_SIZE(per_token); t++) {
            PyObject *tok = PyList_GET_ITEM(per_token, t);
            const int32_t *ents, *nids;
            Py_ssize_t m, mn;
            if (np_array(PyTuple_GET_ITEM(tok, 0), NPY_INT32, "ents", (const void **)&ents, &m) < 0 ||
                np_array(PyTuple_GET_ITEM(tok, 2), NPY_INT32, "names", (const void **)&nids, &mn) < 0)
                goto done;
            int oom = 0;
            for (Py_ssize_t i = 0; i < m; i++) {
                int32_t e = ents[i];
                if (e >= 0 && e < s->n && s->ents[e].query_gen == qgen && s->ents[e].chosen_at > 0 && s->ents[e].chosen_at <= n_top &&
                    top[s->ents[e].chosen_at - 1].ent == e) {
                    if (vec_push(&voted[s->ents[e].chosen_at - 1], nids[i]) < 0) {
                        oom = 1;
                        break;
                    }
                }
            }
            if (oom) {
                PyErr_NoMemory();
                goto done;
            }
        }
    }
    result = PyList_New(n_top);
    if (!result) goto done;
    for (Py_ssize_t i = 0; i < n_top; i++) {
        IntVec *names = &voted[i];
        qsort(names->v, (size_t)names->len, sizeof(int32_t), cmp_int32);
        Py_ssize_t u = 0;
        for (Py_ssize_t j = 0; j < names->len; j++)
            if (u == 0 || names->v[j] != names->v[u - 1]) names->v[u++] = names->v[j];
        PyObject *tup = PyTuple_New(u);
        if (!tup) {
            Py_CLEAR(result);
            goto done;
        }
        for (Py_ssize_t j = 0; j < u; j++) {
            PyObject *x = PyLong_FromLong(names->v[j]);
            if (!x) {
                Py_DECREF(tup);
                Py_CLEAR(result);
                goto done;
            }
            PyTuple_SET_ITEM(tup, j, x);
        }
        PyObject *pair = Py_BuildValue("(iN)", (int)top[i].ent, tup);
        if (!pair) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, i, pair);
    }

done:
    if (voted) {
        for (Py_ssize_t i = 0; i < n_top; i++) free(voted[i].v);
        free(voted);
    }
    for (Py_ssize_t i = 0; i < n_top && top; i++) s->ents[top[i].ent].chosen_at = 0;
    free(top);
    free(touched_name.v);
    free(touched_query.v);
    PyBuffer_Release(&ib);
    PyBuffer_Release(&sb);
    return result;
}

static PyMethodDef methods[] = {
    {"rank", rank, METH_VARARGS, "The candidates of a query from its names' votes (see the module's source)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "embargo.index._rank", NULL, -1, methods};

PyMODINIT_FUNC PyInit__rank(void) {
    import_array();
    if (PyType_Ready(&ScratchType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&ScratchType);
    if (PyModule_AddObject(m, "Scratch", (PyObject *)&ScratchType) < 0) {
        Py_DECREF(&ScratchType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
