/* The 64-bit mixer the C modules hash with (splitmix64's finalizer): a key's bits spread over all 64, so that
 * any of them can pick a slot or a filter bit. Included by embargo/index/_votes.c and embargo/match/_align.c. */
#ifndef EMBARGO_HASH_H
#define EMBARGO_HASH_H

#include <stdint.h>

static inline uint64_t mix64(uint64_t h) {
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

#endif
