// Progressive enhancement only: every page works without this script.
import { initAll } from "../build/govuk-frontend.min.js";
import { enhanceOrganisationFields } from "./organisations.js";

initAll();
enhanceOrganisationFields();
