/* phonetic._key in C: the consonant skeleton of one token, by the rules of embargo/text/phonetic.py (its
 * module doc), applied as its regular expressions apply them, one after the other. Query tokens and
 * the words adjacent pairs make need a key each; the six substitutions and the group pass with a Python
 * callback per letter group cost more than the rest of preparing a token. phonetic._key_py stays the
 * reference; tests/text checks that both agree on every token of the lists and on random strings.
 *
 * key(token: str) -> str
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

static int in(char ch, const char *set) { return ch && strchr(set, ch) != NULL; }

static int lower(char ch) { return ch >= 'a' && ch <= 'z'; }

static int alnum(char ch) { return lower(ch) || (ch >= '0' && ch <= '9'); }

static int at(const char *s, Py_ssize_t n, Py_ssize_t i, const char *lit) {
    Py_ssize_t m = (Py_ssize_t)strlen(lit);
    return i + m <= n && memcmp(s + i, lit, (size_t)m) == 0;
}

/* the class of the letter group starting at s[i] (the longest of phonetic._GROUPS), and its length;
 * NULL: none (a digit) */
static const char *group(const char *s, Py_ssize_t n, Py_ssize_t i, Py_ssize_t *len) {
    static const struct {
        const char *from, *to;
    } longer[] = {
        /* groups of several letters, longest first */
        {"tsch", "c"}, {"shch", "s"}, {"dzh", "j"}, {"sch", "s"}, {"tch", "c"}, {"sh", "s"}, {"sz", "s"},
        {"zh", "s"},   {"ch", "c"},   {"cz", "c"},  {"ts", "c"},  {"tz", "c"},  {"dj", "j"}, {"kh", "k"},
        {"gh", "k"},   {"ck", "k"},   {"ph", "f"},  {"th", "t"},  {"dh", "d"},
    };
    static const char *one[128] = {
        ['x'] = "ks", ['b'] = "b", ['c'] = "k", ['d'] = "d", ['f'] = "f", ['g'] = "k", ['h'] = "k", ['j'] = "*",
        ['k'] = "k",  ['l'] = "l", ['m'] = "m", ['n'] = "n", ['p'] = "p", ['q'] = "k", ['r'] = "r", ['s'] = "s",
        ['t'] = "t",  ['v'] = "v", ['w'] = "v", ['z'] = "s", ['a'] = "*", ['e'] = "*", ['i'] = "*", ['o'] = "*",
        ['u'] = "*",  ['y'] = "*", ['J'] = "j", ['C'] = "c",
    };
    char ch = s[i];
    if (ch == 't' || ch == 's' || ch == 'd' || ch == 'z' || ch == 'c' || ch == 'k' || ch == 'g' || ch == 'p')
        for (size_t g = 0; g < sizeof(longer) / sizeof(longer[0]); g++)
            if (longer[g].from[0] == ch && at(s, n, i, longer[g].from)) {
                *len = (Py_ssize_t)strlen(longer[g].from);
                return longer[g].to;
            }
    *len = 1;
    return (unsigned char)ch < 128 ? one[(unsigned char)ch] : NULL;
}

static PyObject *key(PyObject *mod, PyObject *token) {
    if (!PyUnicode_Check(token)) {
        PyErr_SetString(PyExc_TypeError, "key: expected a string");
        return NULL;
    }
    Py_ssize_t len = PyUnicode_GET_LENGTH(token);
    int kind = PyUnicode_KIND(token);
    const void *data = PyUnicode_DATA(token);
    /* o, and the key made in t, at most twice as long as the token ("x" -> "ks"), and a leading "a" */
    char *s = PyMem_Malloc((size_t)len + 1), *t = PyMem_Malloc(2 * (size_t)len + 2);
    char *o = PyMem_Malloc(2 * (size_t)len + 2);
    PyObject *result = NULL;
    if (!s || !t || !o) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t n = 0;
    for (Py_ssize_t i = 0; i < len; i++) { /* [^a-z0-9]+ -> "" */
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (ch < 128 && alnum((char)ch)) s[n++] = (char)ch;
    }
    s[n] = '\0';
    if (!n) {
        result = PyUnicode_FromString("");
        goto done;
    }
    /* ch(?=[bcdfgjklmnpqrstvwxz]) -> k */
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i < n;) {
        if (s[i] == 'c' && i + 2 < n && s[i + 1] == 'h' && in(s[i + 2], "bcdfgjklmnpqrstvwxz")) {
            t[m++] = 'k';
            i += 2;
        } else {
            t[m++] = s[i++];
        }
    }
    n = m;
    memcpy(s, t, (size_t)n);
    s[n] = '\0';
    /* (?<![sckztpdg])h$ -> "" */
    if (n && s[n - 1] == 'h' && (n == 1 || !in(s[n - 2], "sckztpdg"))) s[--n] = '\0';
    /* c(?=[eiy]) -> s */
    for (Py_ssize_t i = 0; i + 1 < n; i++)
        if (s[i] == 'c' && in(s[i + 1], "eiy")) s[i] = 's';
    /* c$ -> C */
    if (n && s[n - 1] == 'c') s[n - 1] = 'C';
    /* (?<=[a-z])w(?=[a-z0-9])|(?<=[a-df-np-z])w$ -> u (a w made u here passes both lookbehinds as w did) */
    for (Py_ssize_t i = 1; i < n; i++) {
        if (s[i] != 'w') continue;
        char before = s[i - 1];
        if ((lower(before) && i + 1 < n && alnum(s[i + 1])) ||
            (i == n - 1 && lower(before) && before != 'e' && before != 'o'))
            s[i] = 'u';
    }
    /* ^j(?=[aeiou]) -> J */
    if (n > 1 && s[0] == 'j' && in(s[1], "aeiou")) s[0] = 'J';
    /* letter groups to classes, longest first; runs of one class collapse */
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < n;) {
        Py_ssize_t glen;
        const char *to = group(s, n, i, &glen);
        const char one[2] = {s[i], '\0'};
        if (!to) {
            to = one;
            glen = 1;
        }
        for (const char *c = to; *c; c++)
            if (!k || o[k - 1] != *c) o[k++] = *c;
        i += glen;
    }
    /* vowels dropped; a leading vowel leaves an "a" */
    Py_ssize_t r = 0;
    if (k && o[0] == '*') t[r++] = 'a';
    for (Py_ssize_t i = 0; i < k; i++)
        if (o[i] != '*') t[r++] = o[i];
    result = PyUnicode_FromStringAndSize(t, r);
done:
    PyMem_Free(s);
    PyMem_Free(t);
    PyMem_Free(o);
    return result;
}

static PyMethodDef methods[] = {
    {"key", key, METH_O, "The phonetic key of one token (see embargo/text/phonetic.py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "embargo.text._phonetic", NULL, -1, methods};

PyMODINIT_FUNC PyInit__phonetic(void) { return PyModule_Create(&module); }
