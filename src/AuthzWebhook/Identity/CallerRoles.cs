namespace AuthzWebhook.Identity;

/// <summary>Roles that come from the caller's groups; everyone signed in may also request, approve and revoke as policy allows.</summary>
[Flags]
internal enum CallerRoles
{
    None = 0,
    Admin = 1,
    Auditor = 2,
    IncidentTool = 4,
}
