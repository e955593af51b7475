namespace AuthzWebhook.Benchmarks.Load;

/// <summary>
/// What the measured part of a run cost the machine. Client and servers share this process, its heap and the
/// machine's CPUs, so GC pauses stall all of them at once and CPU taken by other processes slows all of them too:
/// these figures tell a real difference between endpoints from noise.
/// </summary>
/// <param name="Gen0">Generation 0 collections.</param>
/// <param name="Gen1">Generation 1 collections.</param>
/// <param name="Gen2">Generation 2 collections.</param>
/// <param name="GcPaused">Time every thread of the process stood still for the GC.</param>
/// <param name="AllocatedBytes">Bytes allocated by the whole process.</param>
/// <param name="ProcessCpu">CPU time of this process (client, both servers, GC).</param>
/// <param name="OtherCpu">CPU time the rest of the machine used meanwhile, including the service's Postgres and Redis.</param>
/// <param name="StealCpu">CPU time the hypervisor gave to other guests.</param>
internal readonly record struct ResourceUse(
    int Gen0,
    int Gen1,
    int Gen2,
    TimeSpan GcPaused,
    long AllocatedBytes,
    TimeSpan ProcessCpu,
    TimeSpan OtherCpu,
    TimeSpan StealCpu);
