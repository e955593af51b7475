namespace AuthzWebhook.Commands;

/// <summary>Every one-shot command of the service, found by its name in the first argument: the one place that knows them all.</summary>
internal static class ServiceCommands
{
    public static IReadOnlyList<IServiceCommand> All { get; } =
    [
        new MigrateCommand(),
        new DevTokenCommand(),
        new VerifyLogCommand(),
        new CorrelateCommand(),
        new RbacAuditCommand(),
    ];

    /// <summary>The command <paramref name="args"/> names, or null when they name none and the service is to run.</summary>
    public static IServiceCommand? Find(string[] args) =>
        args is [var name, ..] ? All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal)) : null;
}
