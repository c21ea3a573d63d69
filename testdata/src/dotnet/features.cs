// features.cs: a C# program that uses what makes a C# compiler generate
// names (a closure, a cached lambda, an iterator, an anonymous type, an
// auto-property, a string switch), built with mono's mcs into
// pe/dotnet-cs-mcs.exe. The detection rules name the language from those
// generated names, so this file is the real-sample evidence for
// compiler/dotnet-csharp.
using System;
using System.Collections.Generic;
using System.Linq;

class Counter
{
	public int Count { get; set; }

	public IEnumerable<int> Upto(int n)
	{
		for (int i = 0; i < n; i++)
			yield return i;
	}
}

static class Program
{
	static string Kind(string s)
	{
		switch (s) {
		case "a": return "first";
		case "b": return "second";
		case "c": return "third";
		case "d": return "fourth";
		case "e": return "fifth";
		case "f": return "sixth";
		case "g": return "seventh";
		default: return "other";
		}
	}

	static int Main(string[] args)
	{
		var c = new Counter { Count = args.Length };
		int bonus = 3;
		Func<int, int> add = x => x + bonus;
		var rows = c.Upto(4).Select(i => new { Index = i, Square = i * i }).ToList();
		foreach (var r in rows)
			Console.WriteLine("{0} {1} {2}", r.Index, add(r.Square), Kind(args.Length > 0 ? args[0] : "a"));
		return c.Count;
	}
}
