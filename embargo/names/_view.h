/* A prepared name as the compiled scoring reads it: the struct of embargo.names._view.View, shared by the
 * module that makes views (embargo/names/_view.c) and the one that scores them (embargo/match/_align.c).
 * _align takes the View type from embargo.names._view when imported, so both read one layout. */
#ifndef EMBARGO_VIEW_H
#define EMBARGO_VIEW_H

#include <Python.h>
#include <stdint.h>

enum { ROLE_NAME = 0, ROLE_INITIAL = 1, ROLE_LEGAL = 2, ROLE_STOP = 3 };

/* a token of a view: its Token (held) and what token_similarity reads of it (the Token holds those) */
typedef struct {
    PyObject *token, *ocr, *skeleton, *phonetic, *variants;
    int vowelless;
    /* the hashes of the text, ocr, skeleton and phonetic, and a bit per variant by its hash: two tokens
     * whose hashes differ differ, so that comparing them mostly reads neither string */
    uint64_t text_h, ocr_h, skeleton_h, phonetic_h, variant_bits;
} Tok;

typedef struct {
    PyObject_HEAD
    Py_ssize_t n;
    Tok *toks;
    PyObject **texts;
    Py_ssize_t *lengths;
    uint64_t *hashes; /* of the texts (the memo's keys) */
    unsigned char *roles, *patronymic;
    double *rarity;
    PyObject *joined; /* tuple: each two adjacent texts written together */
    uint64_t text_bits, joined_bits; /* a bit per text, per joined text, by its hash: joins() tests these first */
    int syllabic, abjad, any_name;
} View;

#endif
