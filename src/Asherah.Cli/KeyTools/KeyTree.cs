using System.Text.Json;
using Spectre.Console;

namespace Asherah.Cli.KeyTools;

/// <summary>
/// The key hierarchy of a metastore: each system key with the intermediate keys it encrypted, and the intermediate keys
/// whose system key is not in the metastore (or that name none) apart.
/// </summary>
internal sealed class KeyTree
{
    private KeyTree(List<(KeyState System, List<KeyState> Children)> systems, List<KeyState> orphans)
    {
        Systems = systems;
        Orphans = orphans;
    }

    public List<(KeyState System, List<KeyState> Children)> Systems { get; }

    public List<KeyState> Orphans { get; }

    public static KeyTree Build(IEnumerable<StoredKeyRecord> records, KeyInspector inspector)
    {
        var systems = new List<(KeyState System, List<KeyState> Children)>();
        var bySystem = new Dictionary<(string, long), List<KeyState>>();
        var others = new List<StoredKeyRecord>();
        foreach (var record in records)
        {
            if (record.Record.ParentKeyMeta is null)
            {
                var children = new List<KeyState>();
                systems.Add((inspector.Judge(record.KeyId, record.Record), children));
                bySystem[(record.KeyId, record.Created.ToUnixTimeSeconds())] = children;
            }
            else
            {
                others.Add(record);
            }
        }

        var orphans = new List<KeyState>();
        foreach (var record in others)
        {
            var parent = record.Record.ParentKeyMeta!;
            var state = inspector.Judge(record.KeyId, record.Record);
            if (bySystem.TryGetValue((parent.KeyId, parent.Created.ToUnixTimeSeconds()), out var children))
            {
                children.Add(state);
            }
            else
            {
                orphans.Add(state);
            }
        }

        return new KeyTree(systems, orphans);
    }

    /// <summary>
    /// <c>tree := {"systemKeys": [key &amp; {"intermediateKeys": [key]}], "orphanIntermediateKeys": [key]}</c>, each
    /// <c>key</c> as <see cref="KeyState.WriteJsonMembers"/> writes it.
    /// </summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("systemKeys");
        foreach (var (system, children) in Systems)
        {
            writer.WriteStartObject();
            system.WriteJsonMembers(writer);
            writer.WriteStartArray("intermediateKeys");
            foreach (var child in children)
            {
                writer.WriteStartObject();
                child.WriteJsonMembers(writer);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("orphanIntermediateKeys");
        foreach (var orphan in Orphans)
        {
            writer.WriteStartObject();
            orphan.WriteJsonMembers(writer);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The tree as Spectre.Console draws it: <c>ID  created ISO  STATE</c> per node.</summary>
    public Tree ToRenderable()
    {
        var tree = new Tree("keys");
        foreach (var (system, children) in Systems)
        {
            var node = tree.AddNode(Label(system));
            foreach (var child in children)
            {
                node.AddNode(Label(child));
            }
        }

        if (Orphans.Count > 0)
        {
            var node = tree.AddNode("(system key not in the metastore)");
            foreach (var orphan in Orphans)
            {
                node.AddNode(Label(orphan) + Markup.Escape($"  parent {orphan.Record!.ParentKeyMeta!.KeyId} @ {KeyTime.Iso(orphan.Record.ParentKeyMeta.Created)}"));
            }
        }

        if (Systems.Count == 0 && Orphans.Count == 0)
        {
            tree.AddNode("(no keys)");
        }

        return tree;
    }

    private static string Label(KeyState key) => Markup.Escape($"{key.KeyId}  created {KeyTime.Iso(key.Created)}  {key.Status}");
}
