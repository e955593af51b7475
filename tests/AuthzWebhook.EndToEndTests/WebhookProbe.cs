using System.Text;
using System.Text.Json;

namespace AuthzWebhook.EndToEndTests;

/// <summary>Asks the webhook directly what the API server would ask, bypassing the API server's answer cache.</summary>
internal static class WebhookProbe
{
    public static async Task<bool> AllowsAsync(EndToEndEnvironment env, Person person, string verb, string resource, string ns)
    {
        using var client = env.WebhookPki.CreateHttpClient(env.WebhookPki.ClientCertificate);
        var body = JsonSerializer.Serialize(new
        {
            apiVersion = "authorization.k8s.io/v1",
            kind = "SubjectAccessReview",
            spec = new
            {
                user = person.UserName,
                groups = person.KubernetesGroups.Append("system:authenticated").ToArray(),
                resourceAttributes = new { @namespace = ns, verb, version = "v1", resource },
            },
        });
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(env.Service.AuthorizeUri, content);
        response.EnsureSuccessStatusCode();
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.GetProperty("status").TryGetProperty("allowed", out var allowed) && allowed.GetBoolean();
    }
}
