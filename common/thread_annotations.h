// Clang thread-safety annotations (leveldb's port/thread_annotations.h is the
// model). They let `clang++ -Wthread-safety` prove that every member marked
// GUARDED_BY(mu_) is touched only with mu_ held and that functions marked
// REQUIRES / EXCLUDES are called accordingly. With other compilers they
// expand to nothing. `make thread-safety` (scripts/thread-safety.sh) runs the
// check over the product code; CI keeps it at zero warnings.
//
// Use them with citynexus::Mutex / MutexLock (common/mutex.h): libstdc++'s
// std::mutex carries no capability attributes, so the analysis cannot see it.
//
// Thread-safety: macros only.
#pragma once

#if defined(__clang__) && !defined(SWIG)
#define CITYNEXUS_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define CITYNEXUS_THREAD_ANNOTATION(x)
#endif

// On a class: objects of it are a capability (a lock) named `x`.
#define CAPABILITY(x) CITYNEXUS_THREAD_ANNOTATION(capability(x))
// On an RAII class: it acquires in its constructor, releases in its dtor.
#define SCOPED_CAPABILITY CITYNEXUS_THREAD_ANNOTATION(scoped_lockable)

// On a data member: reads and writes need the lock `x`.
#define GUARDED_BY(x) CITYNEXUS_THREAD_ANNOTATION(guarded_by(x))
// On a pointer member: the pointee needs the lock `x`.
#define PT_GUARDED_BY(x) CITYNEXUS_THREAD_ANNOTATION(pt_guarded_by(x))

// Lock ordering: this lock is taken after / before the ones named.
#define ACQUIRED_AFTER(...) \
  CITYNEXUS_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
#define ACQUIRED_BEFORE(...) \
  CITYNEXUS_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))

// On a function: the caller must hold the locks (exclusively / shared).
#define REQUIRES(...) \
  CITYNEXUS_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) \
  CITYNEXUS_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
// On a function: the caller must NOT hold the locks (the function takes
// them itself).
#define EXCLUDES(...) CITYNEXUS_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))

// On lock and unlock functions.
#define ACQUIRE(...) \
  CITYNEXUS_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) \
  CITYNEXUS_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) \
  CITYNEXUS_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) \
  CITYNEXUS_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define RELEASE_GENERIC(...) \
  CITYNEXUS_THREAD_ANNOTATION(release_generic_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) \
  CITYNEXUS_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
// On a function that checks (at run time or by construction) that the lock
// is held, so the analysis may assume it afterwards.
#define ASSERT_CAPABILITY(x) CITYNEXUS_THREAD_ANNOTATION(assert_capability(x))
#define ASSERT_SHARED_CAPABILITY(x) \
  CITYNEXUS_THREAD_ANNOTATION(assert_shared_capability(x))
// On a function returning a reference to a lock.
#define RETURN_CAPABILITY(x) CITYNEXUS_THREAD_ANNOTATION(lock_returned(x))

// Turns the analysis off for one function; say why next to every use.
#define NO_THREAD_SAFETY_ANALYSIS \
  CITYNEXUS_THREAD_ANNOTATION(no_thread_safety_analysis)
