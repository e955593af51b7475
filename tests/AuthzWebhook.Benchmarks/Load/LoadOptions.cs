using System.Globalization;

namespace AuthzWebhook.Benchmarks.Load;

/// <summary>
/// Settings of the load run, from <c>--name value</c> arguments. The defaults keep one run to about three minutes.
/// </summary>
internal sealed record LoadOptions
{
    public int Connections { get; init; } = 64;

    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Open-loop rates as fractions of the service's measured closed-loop throughput; the target is stated at 0.5.</summary>
    public IReadOnlyList<double> RateFractions { get; init; } = [0.1, 0.25, 0.5];

    /// <summary>Active windows created in the service before measuring.</summary>
    public int Windows { get; init; } = 1000;

    /// <summary>Closed-loop rounds; each measures the fixed endpoint and then the service, so drift shows as spread.</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>
    /// Whether the service stores its decision records in Postgres (<c>DecisionStore:Enabled</c>): <c>on</c> as in
    /// production, <c>off</c>, or <c>both</c>, two instances of the service measured side by side in the same run.
    /// </summary>
    public IReadOnlyList<bool> Store { get; init; } = [true];

    /// <summary>
    /// Whether each service's Postgres competes for the CPUs (<c>shared</c>) or runs in the idle scheduling class
    /// (<c>idle</c>), taking only CPU time the service and the load driver leave: the service's own cost, as with a
    /// database on other hardware.
    /// </summary>
    public bool DatabaseIdle { get; init; }

    public const string Usage = "load [--connections 64] [--warmup 10] [--duration 20] [--rates 0.1,0.25,0.5] [--windows 1000] [--rounds 1] [--store on|off|both] [--database-cpu shared|idle]";

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{args[i]} needs a value; usage: {Usage}");
            }

            var value = args[i + 1];
            options = args[i] switch
            {
                "--connections" => options with { Connections = Positive(args[i], value) },
                "--warmup" => options with { WarmUp = TimeSpan.FromSeconds(Positive(args[i], value)) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Positive(args[i], value)) },
                "--rates" => options with { RateFractions = [.. value.Split(',').Select(f => Fraction(args[i], f))] },
                "--windows" => options with { Windows = Math.Max(2, Positive(args[i], value)) },
                "--rounds" => options with { Rounds = Positive(args[i], value) },
                "--store" => options with
                {
                    Store = value switch
                    {
                        "on" => [true],
                        "off" => [false],
                        "both" => [false, true],
                        _ => throw new ArgumentException($"--store must be on, off or both, got '{value}'"),
                    },
                },
                "--database-cpu" => options with
                {
                    DatabaseIdle = value switch
                    {
                        "shared" => false,
                        "idle" => true,
                        _ => throw new ArgumentException($"--database-cpu must be shared or idle, got '{value}'"),
                    },
                },
                _ => throw new ArgumentException($"unknown option {args[i]}; usage: {Usage}"),
            };
        }

        return options;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} must be a positive whole number, got '{value}'");

    private static double Fraction(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f is > 0 and <= 1
            ? f
            : throw new ArgumentException($"{name} must be a number in (0, 1], got '{value}'");
}
