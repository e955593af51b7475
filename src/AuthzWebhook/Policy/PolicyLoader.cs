using System.Security.Cryptography;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AuthzWebhook.Policy;

/// <summary>
/// Reads and validates the policy YAML. Every problem is reported with file, line, column and field path,
/// and nothing partial is ever returned: a policy is either wholly valid or refused.
/// </summary>
internal static class PolicyLoader
{
    public const string ApiVersion = "authzwebhook/v1";
    public static readonly TimeSpan MaxTemplateDuration = TimeSpan.FromDays(7);

    public static AccessPolicy LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PolicyValidationException(path, [$"{path}:0:0: (file): cannot be read: {ex.Message}"]);
        }

        return Parse(text, path);
    }

    public static AccessPolicy Parse(string yaml, string source)
    {
        var errors = new List<string>();
        var cursor = new YamlCursor(source, errors);
        var stream = new YamlStream();
        var parser = new PlainYamlParser(new Parser(new StringReader(yaml)), cursor);
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            throw new PolicyValidationException(source, [$"{source}:{ex.Start.Line}:{ex.Start.Column}: (syntax): {ex.InnerException?.Message ?? ex.Message}"]);
        }
        catch (InvalidOperationException)
        {
            // Some malformed input (an unclosed flow sequence, for one) trips the scanner without a YamlException;
            // the last event it did parse is the best position there is.
            var near = parser.Current?.End;
            throw new PolicyValidationException(source, [$"{source}:{near?.Line ?? 0}:{near?.Column ?? 0}: (syntax): YAML is malformed after this point (look for an unclosed bracket or quote)"]);
        }

        // A tagged key is a different key to the checks below than the plain one: judging the structure now would
        // only add noise to the refusals, which already name every place to change.
        if (errors.Count > 0)
        {
            throw new PolicyValidationException(source, errors);
        }

        if (stream.Documents.Count != 1)
        {
            throw new PolicyValidationException(source, [$"{source}:1:1: (document): expected exactly one YAML document, found {stream.Documents.Count}"]);
        }

        var root = cursor.Mapping(stream.Documents[0].RootNode, "(root)");
        if (root is null)
        {
            throw new PolicyValidationException(source, errors);
        }

        cursor.RejectUnknown(root, string.Empty, "apiVersion", "templates", "guardrails");
        var apiVersion = cursor.String(root, string.Empty, "apiVersion", required: true);
        if (apiVersion is not null && apiVersion != ApiVersion)
        {
            cursor.Error(YamlCursor.Child(root, "apiVersion"), "apiVersion", $"must be '{ApiVersion}'");
        }

        var templates = new List<AccessTemplate>();
        var templateNodes = cursor.Sequence(root, string.Empty, "templates");
        for (var i = 0; i < templateNodes.Count; i++)
        {
            var template = ReadTemplate(cursor, templateNodes[i], $"templates[{i}]");
            if (template is null)
            {
                continue;
            }

            if (templates.Exists(t => t.Name == template.Name))
            {
                cursor.Error(templateNodes[i], $"templates[{i}].name", $"'{template.Name}' is defined twice");
                continue;
            }

            templates.Add(template);
        }

        var guardrails = new List<Guardrail>();
        var guardrailNodes = cursor.Sequence(root, string.Empty, "guardrails");
        for (var i = 0; i < guardrailNodes.Count; i++)
        {
            var guardrail = ReadGuardrail(cursor, guardrailNodes[i], $"guardrails[{i}]");
            if (guardrail is null)
            {
                continue;
            }

            if (guardrails.Exists(g => g.Name == guardrail.Name))
            {
                cursor.Error(guardrailNodes[i], $"guardrails[{i}].name", $"'{guardrail.Name}' is defined twice");
                continue;
            }

            guardrails.Add(guardrail);
        }

        if (errors.Count > 0)
        {
            throw new PolicyValidationException(source, errors);
        }

        return new AccessPolicy(templates, guardrails, source, HashOf(yaml));
    }

    /// <summary>Identifies a policy text, so a reload can skip an unchanged file and logs can say which policy decided.</summary>
    public static string HashOf(string yaml) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml)));

    private static AccessTemplate? ReadTemplate(YamlCursor cursor, YamlNode node, string path)
    {
        var map = cursor.Mapping(node, path);
        if (map is null)
        {
            return null;
        }

        cursor.RejectUnknown(map, path, "name", "description", "scope", "namespaces", "maxDuration", "eligibleGroups", "rules", "approval");
        var name = cursor.String(map, path, "name", required: true);
        if (name is not null && !KubernetesNames.IsNamespaceName(name))
        {
            cursor.Error(YamlCursor.Child(map, "name"), $"{path}.name", $"'{name}' must be lower-case letters, digits and '-', at most 63 characters");
        }

        var description = cursor.String(map, path, "description", required: false) ?? string.Empty;
        var scopeText = cursor.String(map, path, "scope", required: true);
        TemplateScope? scope = scopeText switch
        {
            "namespaced" => TemplateScope.Namespaced,
            "cluster" => TemplateScope.Cluster,
            null => null,
            _ => null,
        };
        if (scopeText is not null && scope is null)
        {
            cursor.Error(YamlCursor.Child(map, "scope"), $"{path}.scope", $"'{scopeText}' must be 'namespaced' or 'cluster'");
        }

        var namespaces = PolicyRuleReader.ReadNamespaces(cursor, map, path);
        if (scope == TemplateScope.Namespaced && namespaces.Length == 0)
        {
            cursor.Error(map, $"{path}.namespaces", "is required for a namespaced template (use [\"*\"] for any namespace)");
        }

        if (scope == TemplateScope.Cluster && namespaces.Length > 0)
        {
            cursor.Error(YamlCursor.Child(map, "namespaces"), $"{path}.namespaces", "must be empty for a cluster-scoped template: it covers every namespace");
        }

        var maxDuration = cursor.Duration(map, path, "maxDuration", required: true);
        if (maxDuration > MaxTemplateDuration)
        {
            cursor.Error(YamlCursor.Child(map, "maxDuration"), $"{path}.maxDuration", $"must be at most {IsoDuration.Format(MaxTemplateDuration)}; just-in-time access is short-lived");
        }

        var eligibleGroups = cursor.Strings(map, path, "eligibleGroups", PolicyRuleReader.NotBlank);
        if (eligibleGroups.Length == 0)
        {
            cursor.Error(map, $"{path}.eligibleGroups", "is required: name the Kubernetes groups (as the API server sends them) that may request this template");
        }

        // An unknown scope is already reported; judging its rules against a guessed scope would only add noise.
        var rules = PolicyRuleReader.ReadRules(cursor, map, path, allowNonResource: scope != TemplateScope.Namespaced);
        var approval = ReadApproval(cursor, map, path);

        return name is null || scope is null || maxDuration is null
            ? null
            : new AccessTemplate(name, description, scope.Value, namespaces, maxDuration.Value, eligibleGroups, rules, approval);
    }

    private static ApprovalRule ReadApproval(YamlCursor cursor, YamlMappingNode parent, string parentPath)
    {
        var node = YamlCursor.Child(parent, "approval");
        if (node is null)
        {
            // Without an explicit rule a template could never be approved, or worse, be approved by a default nobody chose.
            cursor.Error(parent, $"{parentPath}.approval", "is required: set approvals and approverGroups, or autoApprove: true");
            return ApprovalRule.Default;
        }

        var path = $"{parentPath}.approval";
        var map = cursor.Mapping(node, path);
        if (map is null)
        {
            return ApprovalRule.Default;
        }

        cursor.RejectUnknown(map, path, "approvals", "approverGroups", "requireMfa", "autoApprove", "maxPending", "extensionRequiresApproval");
        var autoApprove = cursor.Bool(map, path, "autoApprove") ?? false;
        var approvals = cursor.Int(map, path, "approvals", min: autoApprove ? 0 : 1, max: 10) ?? (autoApprove ? 0 : 1);
        var approverGroups = cursor.Strings(map, path, "approverGroups", PolicyRuleReader.NotBlank);
        if (!autoApprove && approverGroups.Length == 0)
        {
            cursor.Error(map, $"{path}.approverGroups", "is required unless autoApprove is true");
        }

        return new ApprovalRule(
            approvals,
            approverGroups,
            cursor.Bool(map, path, "requireMfa") ?? false,
            autoApprove,
            cursor.Duration(map, path, "maxPending", required: false),
            cursor.Bool(map, path, "extensionRequiresApproval") ?? true);
    }

    private static Guardrail? ReadGuardrail(YamlCursor cursor, YamlNode node, string path)
    {
        var map = cursor.Mapping(node, path);
        if (map is null)
        {
            return null;
        }

        cursor.RejectUnknown(map, path, "name", "description", "mode", "subjects", "except", "namespaces", "rules");
        var name = cursor.String(map, path, "name", required: true);
        if (name is not null && !KubernetesNames.IsNamespaceName(name))
        {
            cursor.Error(YamlCursor.Child(map, "name"), $"{path}.name", $"'{name}' must be lower-case letters, digits and '-', at most 63 characters");
        }

        var description = cursor.String(map, path, "description", required: false) ?? string.Empty;
        var modeText = cursor.String(map, path, "mode", required: true);
        GuardrailMode? mode = modeText switch
        {
            "enforce" => GuardrailMode.Enforce,
            "audit" => GuardrailMode.Audit,
            _ => null,
        };
        if (modeText is not null && mode is null)
        {
            cursor.Error(YamlCursor.Child(map, "mode"), $"{path}.mode", $"'{modeText}' must be 'enforce' or 'audit'");
        }

        var subjects = ReadSubjects(cursor, map, path, "subjects");
        var except = ReadSubjects(cursor, map, path, "except");
        var namespaces = PolicyRuleReader.ReadNamespaces(cursor, map, path);
        var rules = PolicyRuleReader.ReadRules(cursor, map, path, allowNonResource: true);

        return name is null || mode is null
            ? null
            : new Guardrail(name, description, mode.Value, subjects, except, namespaces, rules);
    }

    private static SubjectSelector ReadSubjects(YamlCursor cursor, YamlMappingNode parent, string parentPath, string field)
    {
        var node = YamlCursor.Child(parent, field);
        if (node is null)
        {
            return SubjectSelector.None;
        }

        var path = $"{parentPath}.{field}";
        var map = cursor.Mapping(node, path);
        if (map is null)
        {
            return SubjectSelector.None;
        }

        cursor.RejectUnknown(map, path, "users", "groups");
        return new SubjectSelector(cursor.Strings(map, path, "users", PolicyRuleReader.NotBlank), cursor.Strings(map, path, "groups", PolicyRuleReader.NotBlank));
    }
}
