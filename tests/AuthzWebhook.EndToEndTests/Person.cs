namespace AuthzWebhook.EndToEndTests;

/// <summary>
/// Someone signed in at the development issuer: the same token goes to kubectl (the API server's OIDC authenticator)
/// and to the REST API, and both map it to <see cref="UserName"/> and <see cref="KubernetesGroups"/>.
/// </summary>
public sealed record Person(string Email, string[] Groups, string Token)
{
    public string UserName => "oidc:" + Email;

    public string[] KubernetesGroups => Array.ConvertAll(Groups, g => "oidc:" + g);

    public override string ToString() => Email;
}
