using AuthzWebhook.Commands;

namespace AuthzWebhook.Tests.Commands;

/// <summary>One lookup finds every one-shot command by its first argument; anything else runs the service.</summary>
public sealed class ServiceCommandsTests
{
    [Theory]
    [InlineData("migrate", typeof(MigrateCommand))]
    [InlineData("dev-token", typeof(DevTokenCommand))]
    [InlineData("verify-log", typeof(VerifyLogCommand))]
    [InlineData("correlate", typeof(CorrelateCommand))]
    [InlineData("rbac-audit", typeof(RbacAuditCommand))]
    public void Each_command_is_found_by_its_name_as_the_first_argument(string name, Type expected)
    {
        Assert.IsType(expected, ServiceCommands.Find([name, "x"]));
        Assert.Null(ServiceCommands.Find(["--urls", name]));
    }

    [Theory]
    [InlineData]
    [InlineData("Migrate")]
    [InlineData("--environment=Development")]
    [InlineData("serve")]
    public void Anything_else_runs_the_service(params string[] args)
    {
        Assert.Null(ServiceCommands.Find(args));
    }

    [Fact]
    public void Names_are_unique()
    {
        Assert.Equal(ServiceCommands.All.Count, ServiceCommands.All.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
    }
}
