// libgomp's default is to keep an idle OpenMP thread spinning for a while
// (GOMP_SPINCOUNT, ~milliseconds here) after every parallel region. On a
// machine whose cores other processes also use, those spinning threads take
// the CPU from the thread doing the work: on the 2-core VM of docs/bench,
// whole models ran 2-3× slower on 2 threads than on 1 with the default and
// as fast or faster with OMP_WAIT_POLICY=passive (threads sleep at once).
// libgomp reads the variable only when the program starts, so setting it
// means starting again.
#pragma once

namespace frost {

// Unless OMP_WAIT_POLICY or GOMP_SPINCOUNT is set, sets
// OMP_WAIT_POLICY=passive and re-executes this program with `argv` (which
// must be main's). Returns only when nothing needed doing or exec failed
// (then libgomp's default stays). Call first thing in main.
void prefer_passive_omp_wait(char** argv);

}  // namespace frost
