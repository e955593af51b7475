namespace AuthzWebhook.DecisionStore;

/// <summary>Where one instance's chain stands after a record: the seq the next record must carry and the hash it must link to.</summary>
internal readonly record struct ChainLink(string Instance, long NextSeq, string PrevHash);
