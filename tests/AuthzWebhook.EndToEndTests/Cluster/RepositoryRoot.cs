namespace AuthzWebhook.EndToEndTests.Cluster;

/// <summary>The checkout the tests were built from: scripts, the development policy and TestResults live there.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "AuthzWebhook.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no AuthzWebhook.sln above {AppContext.BaseDirectory}: run the tests from a checkout");
    }
}
