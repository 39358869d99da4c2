/* Names prepared for the compiled scoring: a View holds one prepared name (names.prepare.PreparedName) with
 * the rarity of each of its words in one index, read once from the Python objects into C arrays, so that
 * scoring it (embargo/match/_align.c) reads no Python attribute.
 *
 * View(tokens, roles, rarity, syllabic, abjad, joined): from the tuples of a PreparedName and the rarity of
 *        each token (names.views.name_view makes it).
 * view_of(name, rarity dict, unknown rarity): the View of a PreparedName, read from it in C: its name words'
 *        rarity looked up in the dict (unknown where absent), every other word's 1.0.
 * View.fields(): what a view holds, as the View() arguments that would make it (to compare two views).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "_view.h"

static int hash_bit(PyObject *text, uint64_t *bits) {
    Py_hash_t h = PyObject_Hash(text);
    if (h == -1) return -1;
    *bits |= 1ULL << ((uint64_t)h & 63);
    return 0;
}

static void view_dealloc(View *self) {
    for (Py_ssize_t i = 0; self->texts && i < self->n; i++) {
        Py_XDECREF(self->texts[i]);
        Py_XDECREF(self->toks[i].token);
    }
    free(self->texts); /* the block of every array but toks */
    free(self->toks);
    Py_XDECREF(self->joined);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int role_code(PyObject *r, unsigned char *code) {
    if (!PyUnicode_Check(r)) {
        PyErr_SetString(PyExc_TypeError, "View: a role must be a string");
        return -1;
    }
    static const char *names[] = {"name", "initial", "legal", "stop"};
    for (unsigned char k = 0; k < 4; k++)
        if (PyUnicode_CompareWithASCIIString(r, names[k]) == 0) {
            *code = k;
            return 0;
        }
    PyErr_Format(PyExc_ValueError, "View: unknown role %R", r);
    return -1;
}

/* the arrays of a view of n tokens */
static int view_alloc(View *self, Py_ssize_t n, PyObject *joined) {
    if (self->texts) {
        PyErr_SetString(PyExc_RuntimeError, "View: already initialised");
        return -1;
    }
    if (!PyTuple_Check(joined)) {
        PyErr_SetString(PyExc_TypeError, "View: joined must be a tuple");
        return -1;
    }
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(joined); k++)
        if (!PyUnicode_Check(PyTuple_GET_ITEM(joined, k))) {
            PyErr_SetString(PyExc_TypeError, "View: joined must hold strings");
            return -1;
        }
    size_t m = (size_t)n + 1;
    /* the per-token arrays but toks in one block (texts first: it is what dealloc frees), so that reading a
     * view touches few cache lines */
    char *block = calloc(m, sizeof(PyObject *) + sizeof(uint64_t) + sizeof(Py_ssize_t) + sizeof(double) + 2);
    self->toks = calloc(m, sizeof(Tok));
    if (!block || !self->toks) {
        free(block);
        PyErr_NoMemory();
        return -1;
    }
    self->texts = (PyObject **)block;
    self->hashes = (uint64_t *)(self->texts + m);
    self->lengths = (Py_ssize_t *)(self->hashes + m);
    self->rarity = (double *)(self->lengths + m);
    self->roles = (unsigned char *)(self->rarity + m);
    self->patronymic = self->roles + m;
    self->joined_bits = self->text_bits = 0;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(joined); k++)
        if (hash_bit(PyTuple_GET_ITEM(joined, k), &self->joined_bits) < 0) return -1;
    Py_INCREF(joined);
    self->joined = joined;
    self->n = 0;
    self->any_name = 0;
    return 0;
}

static PyObject *S_TOKENS, *S_ROLES, *S_SYLLABIC, *S_ABJAD, *S_JOINED, *S_TEXT, *S_PATRONYMIC, *S_OCR, *S_SKELETON,
    *S_PHONETIC, *S_VARIANTS, *S_VOWELLESS;

/* an attribute of a Token held elsewhere: borrowed (the Token keeps it), of the type asked for */
static PyObject *held_attr(PyObject *obj, PyObject *name, PyTypeObject *type) {
    PyObject *v = PyObject_GetAttr(obj, name);
    if (!v) return NULL;
    if (!PyObject_TypeCheck(v, type)) {
        PyErr_Format(PyExc_TypeError, "View: a token's %U is not a %s", name, type->tp_name);
        Py_DECREF(v);
        return NULL;
    }
    Py_DECREF(v); /* the Token, which the view holds, keeps it */
    return v;
}

static int bool_attr(PyObject *obj, PyObject *name) {
    PyObject *v = PyObject_GetAttr(obj, name);
    if (!v) return -1;
    int r = PyObject_IsTrue(v);
    Py_DECREF(v);
    return r;
}

/* token k of a view being filled, from its Token */
static int view_set(View *self, Py_ssize_t k, PyObject *token, PyObject *role, double rarity) {
    Tok *t = &self->toks[k];
    PyObject *text = held_attr(token, S_TEXT, &PyUnicode_Type);
    if (!text || !(t->ocr = held_attr(token, S_OCR, &PyUnicode_Type)) ||
        !(t->skeleton = held_attr(token, S_SKELETON, &PyUnicode_Type)) ||
        !(t->phonetic = held_attr(token, S_PHONETIC, &PyUnicode_Type)) ||
        !(t->variants = held_attr(token, S_VARIANTS, &PyTuple_Type)))
        return -1;
    for (Py_ssize_t v = 0; v < PyTuple_GET_SIZE(t->variants); v++)
        if (!PyUnicode_Check(PyTuple_GET_ITEM(t->variants, v))) {
            PyErr_SetString(PyExc_TypeError, "View: a token's variants must be strings");
            return -1;
        }
    int patronymic = bool_attr(token, S_PATRONYMIC), vowelless = bool_attr(token, S_VOWELLESS);
    if (patronymic < 0 || vowelless < 0) return -1;
    Py_hash_t hs[4] = {PyObject_Hash(text), PyObject_Hash(t->ocr), PyObject_Hash(t->skeleton), PyObject_Hash(t->phonetic)};
    if (hs[0] == -1 || hs[1] == -1 || hs[2] == -1 || hs[3] == -1) return -1;
    t->text_h = (uint64_t)hs[0], t->ocr_h = (uint64_t)hs[1], t->skeleton_h = (uint64_t)hs[2], t->phonetic_h = (uint64_t)hs[3];
    t->variant_bits = 0;
    for (Py_ssize_t v = 0; v < PyTuple_GET_SIZE(t->variants); v++)
        if (hash_bit(PyTuple_GET_ITEM(t->variants, v), &t->variant_bits) < 0) return -1;
    if (role_code(role, &self->roles[k]) < 0 || hash_bit(text, &self->text_bits) < 0) return -1;
    Py_INCREF(token);
    t->token = token;
    t->vowelless = vowelless;
    Py_INCREF(text);
    self->texts[k] = text;
    self->n = k + 1; /* what dealloc releases */
    self->lengths[k] = PyUnicode_GET_LENGTH(text);
    self->hashes[k] = (uint64_t)PyObject_Hash(text); /* a string's hash cannot fail (hash_bit made it) */
    if (self->roles[k] == ROLE_NAME) self->any_name = 1;
    self->patronymic[k] = (unsigned char)patronymic;
    self->rarity[k] = rarity;
    return 0;
}

static int view_init(View *self, PyObject *args, PyObject *kw) {
    PyObject *tokens, *roles, *rarity, *joined;
    int syllabic, abjad;
    if (!PyArg_ParseTuple(args, "O!O!O!ppO", &PyTuple_Type, &tokens, &PyTuple_Type, &roles, &PyTuple_Type, &rarity,
                          &syllabic, &abjad, &joined))
        return -1;
    Py_ssize_t n = PyTuple_GET_SIZE(tokens);
    if (PyTuple_GET_SIZE(roles) != n || PyTuple_GET_SIZE(rarity) != n) {
        PyErr_SetString(PyExc_ValueError, "View: tokens, roles and rarity differ in length");
        return -1;
    }
    if (view_alloc(self, n, joined) < 0) return -1;
    for (Py_ssize_t k = 0; k < n; k++) {
        double w = PyFloat_AsDouble(PyTuple_GET_ITEM(rarity, k));
        if (w == -1.0 && PyErr_Occurred()) return -1;
        if (view_set(self, k, PyTuple_GET_ITEM(tokens, k), PyTuple_GET_ITEM(roles, k), w) < 0) return -1;
    }
    self->syllabic = syllabic;
    self->abjad = abjad;
    return 0;
}

/* View.fields(): what it holds, as the View() arguments that would make it (to compare two views) */
static PyObject *view_fields(View *self, PyObject *unused) {
    static const char *names[] = {"name", "initial", "legal", "stop"};
    if (!self->joined) {
        PyErr_SetString(PyExc_RuntimeError, "View: not initialised");
        return NULL;
    }
    PyObject *texts = PyTuple_New(self->n), *roles = PyTuple_New(self->n), *pat = PyTuple_New(self->n),
             *rarity = PyTuple_New(self->n);
    if (!texts || !roles || !pat || !rarity) goto fail;
    for (Py_ssize_t k = 0; k < self->n; k++) {
        PyObject *role = PyUnicode_FromString(names[self->roles[k]]), *w = PyFloat_FromDouble(self->rarity[k]);
        if (!role || !w) {
            Py_XDECREF(role);
            Py_XDECREF(w);
            goto fail;
        }
        PyTuple_SET_ITEM(texts, k, Py_NewRef(self->texts[k]));
        PyTuple_SET_ITEM(roles, k, role);
        PyTuple_SET_ITEM(pat, k, PyBool_FromLong(self->patronymic[k]));
        PyTuple_SET_ITEM(rarity, k, w);
    }
    return Py_BuildValue("(NNNNOOO)", texts, roles, pat, rarity, self->syllabic ? Py_True : Py_False,
                         self->abjad ? Py_True : Py_False, self->joined);
fail:
    Py_XDECREF(texts);
    Py_XDECREF(roles);
    Py_XDECREF(pat);
    Py_XDECREF(rarity);
    return NULL;
}

static PyMethodDef view_methods[] = {
    {"fields", (PyCFunction)view_fields, METH_NOARGS, "The View() arguments that would make this view."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ViewType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "embargo.names._view.View",
    .tp_basicsize = sizeof(View),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)view_init,
    .tp_dealloc = (destructor)view_dealloc,
    .tp_methods = view_methods,
    .tp_doc = "A prepared name as the scoring reads it (see the module's source).",
};

/* an attribute that must be a tuple (a new reference) */
static PyObject *tuple_attr(PyObject *obj, PyObject *name) {
    PyObject *v = PyObject_GetAttr(obj, name);
    if (v && !PyTuple_Check(v)) {
        PyErr_Format(PyExc_TypeError, "view_of: %U must be a tuple", name);
        Py_CLEAR(v);
    }
    return v;
}


/* view_of(name, rarity, unknown): the View of a PreparedName, its name words' rarity looked up in the dict
 * rarity (unknown where absent), as names.name_view makes it with rarity.get(word, unknown) */
static PyObject *view_of(PyObject *mod, PyObject *args) {
    PyObject *name, *rarity;
    double unknown;
    if (!PyArg_ParseTuple(args, "OO!d", &name, &PyDict_Type, &rarity, &unknown)) return NULL;
    PyObject *tokens = tuple_attr(name, S_TOKENS), *roles = tokens ? tuple_attr(name, S_ROLES) : NULL;
    PyObject *joined = roles ? tuple_attr(name, S_JOINED) : NULL;
    View *v = NULL;
    if (!joined) goto fail;
    Py_ssize_t n = PyTuple_GET_SIZE(tokens);
    if (PyTuple_GET_SIZE(roles) != n) {
        PyErr_SetString(PyExc_ValueError, "view_of: tokens and roles differ in length");
        goto fail;
    }
    int syllabic = bool_attr(name, S_SYLLABIC), abjad = bool_attr(name, S_ABJAD);
    if (syllabic < 0 || abjad < 0) goto fail;
    v = (View *)PyType_GenericNew(&ViewType, NULL, NULL);
    if (!v || view_alloc(v, n, joined) < 0) goto fail;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *tok = PyTuple_GET_ITEM(tokens, k), *role = PyTuple_GET_ITEM(roles, k);
        PyObject *text = PyObject_GetAttr(tok, S_TEXT);
        double w = 1.0;
        if (text && PyUnicode_Check(role) && PyUnicode_CompareWithASCIIString(role, "name") == 0) {
            PyObject *got = PyDict_GetItemWithError(rarity, text);
            if (got)
                w = PyFloat_AsDouble(got);
            else if (!PyErr_Occurred())
                w = unknown;
        }
        int r = (!text || PyErr_Occurred()) ? -1 : view_set(v, k, tok, role, w);
        Py_XDECREF(text);
        if (r < 0) goto fail;
    }
    v->syllabic = syllabic;
    v->abjad = abjad;
    Py_DECREF(tokens);
    Py_DECREF(roles);
    Py_DECREF(joined);
    return (PyObject *)v;
fail:
    Py_XDECREF(v);
    Py_XDECREF(tokens);
    Py_XDECREF(roles);
    Py_XDECREF(joined);
    return NULL;
}

static PyMethodDef methods[] = {
    {"view_of", view_of, METH_VARARGS, "The View of a prepared name (see the module's source)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "embargo.names._view", NULL, -1, methods};

PyMODINIT_FUNC PyInit__view(void) {
    if (PyType_Ready(&ViewType) < 0) return NULL;
    if (!(S_TOKENS = PyUnicode_InternFromString("tokens")) || !(S_ROLES = PyUnicode_InternFromString("roles")) ||
        !(S_SYLLABIC = PyUnicode_InternFromString("syllabic")) || !(S_ABJAD = PyUnicode_InternFromString("abjad")) ||
        !(S_JOINED = PyUnicode_InternFromString("joined")) || !(S_TEXT = PyUnicode_InternFromString("text")) ||
        !(S_PATRONYMIC = PyUnicode_InternFromString("patronymic")) || !(S_OCR = PyUnicode_InternFromString("ocr")) ||
        !(S_SKELETON = PyUnicode_InternFromString("skeleton")) ||
        !(S_PHONETIC = PyUnicode_InternFromString("phonetic")) ||
        !(S_VARIANTS = PyUnicode_InternFromString("variants")) ||
        !(S_VOWELLESS = PyUnicode_InternFromString("vowelless")))
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&ViewType);
    if (PyModule_AddObject(m, "View", (PyObject *)&ViewType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
