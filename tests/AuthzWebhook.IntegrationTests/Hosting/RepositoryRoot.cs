namespace AuthzWebhook.IntegrationTests.Hosting;

/// <summary>The checkout these tests were built from, for tests of its scripts and make targets.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "AuthzWebhook.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("repository root (AuthzWebhook.sln) not found above " + AppContext.BaseDirectory);
    }
}
