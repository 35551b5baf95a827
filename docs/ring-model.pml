/* SPDX-License-Identifier: MIT */
/*
 * ring-model.pml - the shared slot ring's index protocol (src/ring.h) in
 * Promela, for the spin model checker: one producer, one consumer, free-
 * running indices masked on access and compared by unsigned subtraction
 * (8-bit here, starting just below the wrap), each side's cached copy of
 * the other's index, a frame written in two separate steps so a torn read
 * shows, and a producer that either waits or drops (and counts) when the
 * ring is full.  spin checks every interleaving for: no torn frame, none
 * duplicated or reordered, every missing frame counted as dropped, the
 * consumer never sees more than SLOTS frames, no deadlock.
 *
 * spin's memory is sequentially consistent: this checks the index logic,
 * not the acquire/release ordering (ThreadSanitizer checks that, in
 * tests/ring_stress.c).  Run (about a second each):
 *
 *	spin -a docs/ring-model.pml && cc -O2 -DSAFETY -o pan pan.c && ./pan
 *	spin -DSLOTS=4 -DFRAMES=9 -a docs/ring-model.pml && cc -O2 -DSAFETY -o pan pan.c && ./pan
 *
 * "errors: 0" is the pass.  Mutants it catches: reserving SLOTS + 1 slots
 * (a torn frame), publishing prod before writing the slot (a stale frame
 * read), releasing cons before reading the slot (torn), dropping without
 * counting (a gap no counter explains).
 */

#ifndef SLOTS
#define SLOTS 2
#endif
#ifndef FRAMES
#define FRAMES 7
#endif
#define MASK (SLOTS - 1)
#define FIRST 253 /* both indices start three below the 8-bit wrap */
#define DIFF(a, b) (((a) - (b)) & 255)

byte prod = FIRST; /* written by the producer only (a release store) */
byte cons = FIRST; /* written by the consumer only (a release store) */
byte dropped = 0;  /* written by the producer only */
bool done = false; /* the producer has handed over or dropped every frame */
byte half1[SLOTS]; /* a frame's two halves, written one after the other */
byte half2[SLOTS];

active proctype producer()
{
	byte head = FIRST, cons_cache = FIRST, seq = 1;

	do
	:: seq > FRAMES -> break
	:: else ->
		/* nr_ring_reserve(): look at the shared index only when the
		 * cached one says the ring is full. */
		if
		:: DIFF(head, cons_cache) >= SLOTS -> cons_cache = cons
		:: else -> skip
		fi;
		if
		:: DIFF(head, cons_cache) < SLOTS ->
			half1[head & MASK] = seq;
			half2[head & MASK] = seq;
			head = (head + 1) & 255;
			prod = head; /* nr_ring_commit() */
			seq++
		:: else ->
			/* Full: wait (try again), or drop and count. */
			if
			:: skip
			:: dropped++; seq++
			fi
		fi
	od;
	done = true
}

active proctype consumer()
{
	byte tail = FIRST, prod_cache = FIRST, expect = 1, gaps = 0, a, b;

	do
	:: DIFF(prod_cache, tail) == 0 ->
		/* nr_ring_waiting(): re-read the shared index.  Reading
		 * `done` first means a prod read after it is final. */
		if
		:: done ->
			prod_cache = prod;
			if
			:: DIFF(prod_cache, tail) == 0 -> break
			:: else -> skip
			fi
		:: else -> prod_cache = prod
		fi
	:: DIFF(prod_cache, tail) > 0 ->
		assert(DIFF(prod_cache, tail) <= SLOTS);
		a = half1[tail & MASK];
		b = half2[tail & MASK];
		assert(a == b);      /* not torn */
		assert(a >= expect); /* neither duplicated nor reordered */
		gaps = gaps + (a - expect);
		expect = a + 1;
		tail = (tail + 1) & 255;
		cons = tail /* nr_ring_release() */
	od;
	/* Frames dropped at the end never show as a gap: count them too. */
	gaps = gaps + (FRAMES + 1 - expect);
	assert(gaps == dropped)
}
