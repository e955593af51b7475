using System.Globalization;

namespace AuthzWebhook.TestSupport;

/// <summary>
/// Seed and size of a fuzz run. CI runs the default seed and count, so a run is repeatable; set
/// <c>AUTHZ_FUZZ_SEED</c> (a number, or <c>random</c>) and <c>AUTHZ_FUZZ_ITERATIONS</c> to explore further locally.
/// </summary>
internal static class FuzzSettings
{
    public const int DefaultSeed = 20_261_127;

    public static int Seed
    {
        get
        {
            var text = Environment.GetEnvironmentVariable("AUTHZ_FUZZ_SEED");
            if (string.Equals(text, "random", StringComparison.OrdinalIgnoreCase))
            {
                return Random.Shared.Next();
            }

            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed;
        }
    }

    /// <summary><paramref name="ciDefault"/> unless <c>AUTHZ_FUZZ_ITERATIONS</c> says otherwise; <paramref name="scale"/> divides it for costlier targets.</summary>
    public static int Iterations(int ciDefault, int scale = 1)
    {
        var text = Environment.GetEnvironmentVariable("AUTHZ_FUZZ_ITERATIONS");
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? Math.Max(1, n / scale) : ciDefault;
    }
}
