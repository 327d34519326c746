using System.Runtime.CompilerServices;

// The child-process probe that the secure-memory tests launch (guard-page faults, memlock limits, capacity) drives
// the internal allocator directly.
[assembly: InternalsVisibleTo("Asherah.SecureMemory.Probe")]
