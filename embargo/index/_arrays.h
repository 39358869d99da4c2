/* numpy arrays as the index's C modules (_rank.c, _votes.c) read them; each includes this after Python.h
 * and calls import_array() when it is loaded. */
#ifndef EMBARGO_INDEX_ARRAYS_H
#define EMBARGO_INDEX_ARRAYS_H

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

/* a contiguous 1-d numpy array of the given type (NPY_INT32 or NPY_FLOAT64): its data and length, borrowed
 * (the caller holds the array); a TypeError naming `what` otherwise */
static int np_array(PyObject *obj, int type, const char *what, const void **data, Py_ssize_t *len) {
    if (!PyArray_Check(obj) || PyArray_TYPE((PyArrayObject *)obj) != type || PyArray_NDIM((PyArrayObject *)obj) != 1 ||
        !PyArray_IS_C_CONTIGUOUS((PyArrayObject *)obj)) {
        PyErr_Format(PyExc_TypeError, "%s: expected a contiguous 1-d numpy array of %s", what,
                     type == NPY_INT32 ? "int32" : "float64");
        return -1;
    }
    *data = PyArray_DATA((PyArrayObject *)obj);
    *len = PyArray_DIM((PyArrayObject *)obj, 0);
    return 0;
}

#endif
