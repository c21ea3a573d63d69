// hello.cs: dotnet-cs.exe, a C# console program compiled with mono's mcs.
using System;
using System.Reflection;
using System.Runtime.Versioning;

[assembly: AssemblyTitle("filerep C# sample")]
[assembly: AssemblyDescription("filerep C# console sample")]
[assembly: AssemblyCompany("filerep test samples")]
[assembly: AssemblyProduct("filerep samples")]
[assembly: AssemblyCopyright("(c) 2026 filerep authors. TEST ONLY.")]
[assembly: AssemblyVersion("1.2.3.4")]
[assembly: AssemblyFileVersion("1.2.3.4")]
[assembly: AssemblyInformationalVersion("1.2")]
[assembly: TargetFramework(".NETFramework,Version=v4.5", FrameworkDisplayName = ".NET Framework 4.5")]

namespace Filerep.Samples
{
	static class Program
	{
		static int Main(string[] args)
		{
			Console.WriteLine("hello from filerep's C# sample");
			return args.Length;
		}
	}
}
