using System.Globalization;
using AuthzWebhook.Windows;

namespace AuthzWebhook.Benchmarks.Engine;

/// <summary>
/// Fills an index with <c>count</c> active windows the way a busy cluster would have them: almost all belong to single
/// users (two each, so the number of users grows with the number of windows), about one in a hundred to a group.
/// Windows are built in memory and applied one by one, so a million of them take seconds, not a database load.
/// </summary>
internal static class BenchmarkWindows
{
    public const string SquadOfMeasuredUsers = "oidc:squad-00000";

    public static string User(int index) => string.Create(CultureInfo.InvariantCulture, $"oidc:user-{index:D7}@example.com");

    public static string Squad(int index) => string.Create(CultureInfo.InvariantCulture, $"oidc:squad-{index:D5}");

    public static string Namespace(int windowIndex) => string.Create(CultureInfo.InvariantCulture, $"team-{windowIndex % 1000:D3}");

    public static int GroupWindowCount(int count) => Math.Max(2, count / 100);

    public static int UserCount(int count) => Math.Max(1, (count - GroupWindowCount(count)) / 2);

    /// <summary>The user the benchmarks ask about: one in the middle, whose first window is the window with the same number.</summary>
    public static int MeasuredUser(int count) => UserCount(count) / 2;

    public static void Fill(ActiveWindowIndex index, int count, DateTimeOffset now)
    {
        var groupWindows = GroupWindowCount(count);
        var userWindows = count - groupWindows;
        var users = UserCount(count);
        for (var j = 0; j < userWindows; j++)
        {
            index.Apply(Window(j, SubjectKind.User, User(j % users), now));
        }

        // Two windows per group: the groups of the measured requests hold a few windows, as real teams would.
        for (var j = 0; j < groupWindows; j++)
        {
            index.Apply(Window(j, SubjectKind.Group, Squad(j / 2), now));
        }
    }

    /// <summary>Window <paramref name="j"/>: template <c>j % 100</c>, in one team namespace (and a shared one for every fourth).</summary>
    public static ElevationWindow Window(int j, SubjectKind kind, string subject, DateTimeOffset now)
    {
        var template = j % BenchmarkPolicy.TemplateCount;
        string[] namespaces = BenchmarkPolicy.IsCluster(template) ? []
            : j % 4 == 0 ? [Namespace(j), "shared-tools"]
            : [Namespace(j)];
        return new ElevationWindow(
            Guid.CreateVersion7(now),
            kind,
            subject,
            BenchmarkPolicy.TemplateName(template),
            namespaces,
            BenchmarkPolicy.SreGroup,
            now.AddMinutes(-10),
            now.AddMinutes(1 + (j % 50)),
            RevokedAt: null,
            Version: 1);
    }
}
