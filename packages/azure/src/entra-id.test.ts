import { AggregateAuthenticationError, CredentialUnavailableError } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { credentialsUnavailable, entraIdConnection, triedSources } from "./entra-id.js";

/** The error DefaultAzureCredential throws when no source can sign in, built from @azure/identity's own classes. */
function noneSetUp(): AggregateAuthenticationError {
  return new AggregateAuthenticationError(
    [
      new CredentialUnavailableError("EnvironmentCredential is unavailable. No underlying credential could be used."),
      new CredentialUnavailableError("ManagedIdentityCredential: Authentication failed.\nHttp status code: 403"),
      new CredentialUnavailableError("Azure CLI could not be found. Please visit https://aka.ms/azure-cli"),
      new CredentialUnavailableError("Azure Developer CLI couldn't be found."),
      new CredentialUnavailableError("Some source added in a later release is unavailable."),
    ],
    "ChainedTokenCredential authentication failed.",
  );
}

describe("signing in with Microsoft Entra ID", () => {
  it("names each source DefaultAzureCredential tried", () => {
    expect(triedSources(noneSetUp())).toEqual([
      "environment variables (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET)",
      "managed identity",
      "Azure CLI (az login)",
      "Azure Developer CLI (azd auth login)",
      "another credential source",
    ]);
    expect(triedSources(new Error("ECONNRESET"))).toEqual([]);
  });

  it("says in one line what was tried and what to set, keeping the SDK's error as the cause", () => {
    const err = credentialsUnavailable(noneSetUp(), "backupsacct");
    expect(err).toMatchObject({ code: "TARGET_AUTH" });
    expect(err!.message).toMatch(/^No Azure credentials for storage account 'backupsacct': signing in with Microsoft Entra ID tried environment variables .*, managed identity, Azure CLI \(az login\), .*Set AZURE_STORAGE_CONNECTION_STRING/);
    expect(err!.message).not.toContain("\n");
    expect(err!.cause).toBeInstanceOf(AggregateAuthenticationError);
    expect(credentialsUnavailable(new Error("other"), "backupsacct")).toBeNull();
  });

  it("reaches the account's public endpoint with DefaultAzureCredential, and refuses a name that is no account", async () => {
    const connection = await entraIdConnection("backupsacct");
    expect(connection.url).toBe("https://backupsacct.blob.core.windows.net");
    expect(connection.credential?.constructor.name).toBe("DefaultAzureCredential");
    await expect(entraIdConnection("Not_An-Account")).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining("set AZURE_STORAGE_ACCOUNT") });
  });
});
